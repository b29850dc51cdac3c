#!/usr/bin/env node
// Generates variants/*.jsonl.gz: goldens for tokenizer.json variants that
// exercise components the five fixture tokenizers do not use (other
// normalizers, pre-tokenizers, post-processors, added-token options,
// truncation strategies and directions, left padding, decoding). Each
// variant is a fixture tokenizer.json with some top-level fields replaced
// (variants/variants.json); the Go tests rebuild the same JSON.
//
// Run from this folder, with the binding installed in bench/tokenizer:
//   NODE_PATH=../../../bench/tokenizer/node_modules node gen_variants.js [name...]
// (with names, only those variants are regenerated).
// The goldens come from the Rust tokenizers core (crate 0.22.2) through
// @anush008/tokenizers@0.6.0, offsets in code points like the fixtures.
'use strict';
const fs = require('fs');
const zlib = require('zlib');
const path = require('path');
const tk = require('@anush008/tokenizers');

const variants = JSON.parse(fs.readFileSync('variants/variants.json', 'utf8'));

function readGzLines(f) {
  return zlib.gunzipSync(fs.readFileSync(f)).toString('utf8').split('\n').filter(Boolean).map(l => JSON.parse(l));
}

// Inputs: every distinct text of minilm's golden.jsonl and the pairs.
const texts = [];
const seen = new Set();
for (const r of readGzLines('minilm/golden.jsonl.gz')) {
  if (!seen.has(r.text_id)) { seen.add(r.text_id); texts.push(r.text); }
}
const pairs = [];
const pseen = new Set();
for (const r of readGzLines('minilm/pairs.jsonl.gz')) {
  if (!pseen.has(r.text_id)) { pseen.add(r.text_id); pairs.push([r.text, r.text_pair]); }
}

function rec(e) {
  return { ids: e.getIds(), tokens: e.getTokens(), type_ids: e.getTypeIds(), attention_mask: e.getAttentionMask(),
    special_tokens_mask: e.getSpecialTokensMask(), offsets: e.getOffsets() };
}

async function main() {
  const only = process.argv.slice(2);
  for (const v of variants) {
    if (only.length > 0 && !only.includes(v.name)) continue;
    const base = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(v.base, 'tokenizer.json.gz'))).toString('utf8'));
    Object.assign(base, v.patch);
    if (v.extra_added) base.added_tokens = base.added_tokens.concat(v.extra_added);
    // model_merge sets model fields, model_drop removes some, and
    // vocab_add_bytes appends the 256 <0xXX> byte-fallback tokens.
    if (v.model_merge) Object.assign(base.model, v.model_merge);
    for (const k of v.model_drop || []) delete base.model[k];
    // merges_as_pairs rewrites "a b" merges as ["a", "b"] (the newer form).
    if (v.merges_as_pairs) base.model.merges = base.model.merges.map(m => m.split(' '));
    if (v.vocab_add_bytes) {
      for (let b = 0; b < 256; b++) {
        const tok = '<0x' + b.toString(16).toUpperCase().padStart(2, '0') + '>';
        if (Array.isArray(base.model.vocab)) base.model.vocab.push([tok, -30.0]);
        else base.model.vocab[tok] = Object.keys(base.model.vocab).length;
      }
    }
    const tmp = path.join(require('os').tmpdir(), 'variant-' + v.name + '.json');
    fs.writeFileSync(tmp, JSON.stringify(base));
    const t = tk.Tokenizer.fromFile(tmp);
    t.disableTruncation();
    t.disablePadding();
    const out = [];
    // batch_only variants record only their padded batch.
    const vtexts = v.batch_only ? [] : v.texts_file ? JSON.parse(fs.readFileSync(v.texts_file, 'utf8')) : texts;
    for (let i = 0; i < vtexts.length; i++) {
      const e = await t.encode(vtexts[i], null, { addSpecialTokens: true });
      const r = Object.assign({ kind: 'single', text: vtexts[i], add_special_tokens: true }, rec(e));
      r.decoded = await t.decode(e.getIds(), false);
      r.decoded_skip = await t.decode(e.getIds(), true);
      out.push(r);
    }
    for (const tr of v.truncations || []) {
      t.setTruncation(tr.max_length, { strategy: tr.strategy, direction: tr.direction.toLowerCase() });
      for (const [a, b] of pairs) {
        let e;
        try {
          e = await t.encode(a, b, { addSpecialTokens: true });
        } catch (err) {
          out.push({ kind: 'pair', text: a, text_pair: b, truncation: tr, error: String(err) });
          continue;
        }
        out.push(Object.assign({ kind: 'pair', text: a, text_pair: b, truncation: tr, add_special_tokens: true }, rec(e)));
      }
      t.disableTruncation();
    }
    if (v.padding) {
      t.setPadding(v.padding);
      const encs = await t.encodeBatch(texts.slice(0, 12), { addSpecialTokens: true });
      out.push({ kind: 'batch', texts: texts.slice(0, 12), padding: v.padding, encodings: encs.map(rec) });
      t.disablePadding();
    }
    fs.writeFileSync(path.join('variants', v.name + '.jsonl.gz'), zlib.gzipSync(out.map(r => JSON.stringify(r)).join('\n') + '\n', { level: 9 }));
    fs.unlinkSync(tmp);
    console.log(v.name, out.length);
  }
}

main().catch(e => { console.error(e); process.exit(1); });
