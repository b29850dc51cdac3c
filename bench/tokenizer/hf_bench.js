// Times Hugging Face tokenizers (Rust core via the @anush008/tokenizers N-API
// binding) on a list of sentences for main.go in this folder, which keeps
// this process alive for the whole run so that Hugging Face's passes run as
// warm as Go's, in one process each.
//
// usage: node hf_bench.js TOKENIZER_JSON SENTENCES_JSON
// Then one command per line on stdin, one timed pass over all sentences per
// command, one JSON line {"tokens": N, "seconds": S} on stdout per pass:
//   seq:   one awaited encode() call per sentence (binding overhead included)
//   batch: one encodeBatch() call for all sentences (Rust loop, rayon
//          threads; start the process with RAYON_NUM_THREADS=1 for one thread)
'use strict';
const fs = require('fs');
const readline = require('readline');
const { Tokenizer } = require('@anush008/tokenizers');

async function pass(tok, sentences, mode) {
  let n = 0;
  const t0 = process.hrtime.bigint();
  if (mode === 'seq') {
    for (const s of sentences) {
      const e = await tok.encode(s, null, { addSpecialTokens: true });
      n += e.getIds().length;
    }
  } else if (mode === 'batch') {
    const encs = await tok.encodeBatch(sentences, { addSpecialTokens: true });
    for (const e of encs) n += e.getIds().length;
  } else {
    throw new Error('unknown mode ' + mode);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { tokens: n, seconds };
}

async function main() {
  const [tokPath, sentPath] = process.argv.slice(2);
  const sentences = JSON.parse(fs.readFileSync(sentPath, 'utf8'));
  const tok = Tokenizer.fromFile(tokPath);
  tok.disableTruncation();
  tok.disablePadding();
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    const mode = line.trim();
    if (mode === '') continue;
    console.log(JSON.stringify(await pass(tok, sentences, mode)));
  }
}

main().catch(e => { console.error(e); process.exit(1); });
