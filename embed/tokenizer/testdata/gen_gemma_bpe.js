#!/usr/bin/env node
// Builds bpe-gemma/tokenizer.json.gz: a SentencePiece-style BPE in the
// layout of Gemma 3's tokenizer.json (as this package's authors recall it:
// the real, gated file was not read), with a vocabulary trained here by the
// Hugging Face tokenizers trainer (BpeTrainer defaults) on every other text
// of minilm's goldens, so that the other texts bring characters outside the
// vocabulary, which byte fallback spells as <0xXX> tokens:
//   - normalizer Replace " " -> "▁"; pre-tokenizer Split " " (merged with
//     the previous piece: a no-op after the normalizer, as in Gemma's);
//   - BPE with byte_fallback and fuse_unk, ids <pad> 0, <eos> 1, <bos> 2,
//     <unk> 3, <0x00>..<0xFF> 4..259, then the trained pieces;
//   - TemplateProcessing "<bos> $A <eos>" (EmbeddingGemma appends <eos>);
//   - decoder Replace "▁" -> " ", ByteFallback, Fuse.
// For training only, a Metaspace pre-tokenizer splits words so that pieces
// stay within words (as SentencePiece's do).
// Run from this folder:
//   NODE_PATH=../../../bench/tokenizer/node_modules node gen_gemma_bpe.js
// then gen_variants.js bpe-gemma for the goldens.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const tk = require('@anush008/tokenizers');

const texts = [];
const seen = new Set();
for (const l of zlib.gunzipSync(fs.readFileSync('minilm/golden.jsonl.gz')).toString('utf8').split('\n').filter(Boolean)) {
  const r = JSON.parse(l);
  if (!seen.has(r.text_id)) { seen.add(r.text_id); texts.push(r.text); }
}
const corpus = path.join(os.tmpdir(), 'gemma-bpe-corpus.txt');
fs.writeFileSync(corpus, texts.filter((_, i) => i % 2 === 0).map(t => t.replace(/\n/g, ' ')).join('\n'));

const t = new tk.Tokenizer(tk.BPE.empty());
t.setNormalizer(tk.replace(' ', '\u2581'));
t.setPreTokenizer(tk.metaspacePreTokenizer('\u2581', 'never'));
t.train([corpus]);
const raw = path.join(os.tmpdir(), 'gemma-bpe-raw.json');
t.save(raw, false);
const trained = JSON.parse(fs.readFileSync(raw, 'utf8'));

const vocab = { '<pad>': 0, '<eos>': 1, '<bos>': 2, '<unk>': 3 };
for (let b = 0; b < 256; b++) vocab['<0x' + b.toString(16).toUpperCase().padStart(2, '0') + '>'] = 4 + b;
let next = 260;
for (const [piece] of Object.entries(trained.model.vocab).sort((a, b) => a[1] - b[1])) {
  if (!(piece in vocab)) vocab[piece] = next++;
}
const special = (id, content) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
const out = {
  version: '1.0', truncation: null, padding: null,
  added_tokens: [special(0, '<pad>'), special(1, '<eos>'), special(2, '<bos>'), special(3, '<unk>')],
  normalizer: { type: 'Replace', pattern: { String: ' ' }, content: '\u2581' },
  pre_tokenizer: { type: 'Split', pattern: { String: ' ' }, behavior: 'MergedWithPrevious', invert: false },
  post_processor: {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '<bos>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<eos>', type_id: 0 } }],
    pair: [{ SpecialToken: { id: '<bos>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<eos>', type_id: 0 } },
      { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '<eos>', type_id: 1 } }],
    special_tokens: {
      '<bos>': { id: '<bos>', ids: [2], tokens: ['<bos>'] },
      '<eos>': { id: '<eos>', ids: [1], tokens: ['<eos>'] },
    },
  },
  decoder: { type: 'Sequence', decoders: [{ type: 'Replace', pattern: { String: '\u2581' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }] },
  model: {
    type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null,
    fuse_unk: true, byte_fallback: true, ignore_merges: false, vocab, merges: trained.model.merges,
  },
};
fs.mkdirSync('bpe-gemma', { recursive: true });
fs.writeFileSync(path.join('bpe-gemma', 'tokenizer.json.gz'), zlib.gzipSync(JSON.stringify(out)));
console.log('bpe-gemma: vocab', next, 'merges', trained.model.merges.length);
