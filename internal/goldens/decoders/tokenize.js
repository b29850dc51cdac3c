#!/usr/bin/env node
// tokenize.js: token ids of texts with Hugging Face tokenizers' Rust core
// (npm @anush008/tokenizers, as the shared tokenizer fixtures were made),
// for gen.py's prompted items. Reads a JSON list of texts on stdin, writes
// a JSON list of {ids, tokens} (add_special_tokens true, truncated to
// 512 tokens as sentence-transformers truncates to max_seq_length) to stdout.
//   NODE_PATH=bench/tokenizer/node_modules node tokenize.js TOKENIZER.json
'use strict';
const fs = require('fs');
const tk = require('@anush008/tokenizers');

async function main() {
  const t = tk.Tokenizer.fromFile(process.argv[2]);
  t.setTruncation(512); // sentence-transformers' max_seq_length (the template's EOS is kept)
  t.disablePadding();
  const texts = JSON.parse(fs.readFileSync(0, 'utf8'));
  const out = [];
  for (const s of texts) {
    const e = await t.encode(s, null, { addSpecialTokens: true });
    out.push({ ids: e.getIds(), tokens: e.getTokens() });
  }
  process.stdout.write(JSON.stringify(out));
}
main().catch(e => { console.error(e); process.exit(1); });
