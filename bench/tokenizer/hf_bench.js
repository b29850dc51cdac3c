// Times Hugging Face tokenizers (Rust core via the @anush008/tokenizers N-API
// binding) on a list of sentences; called by main.go in this folder.
//
// usage: node hf_bench.js TOKENIZER_JSON SENTENCES_JSON REPEATS MODE
//   MODE seq:   one awaited encode() call per sentence (binding overhead included)
//   MODE batch: one encodeBatch() call for all sentences (Rust loop, rayon
//               threads; set RAYON_NUM_THREADS=1 for single-threaded)
// Prints one JSON line: {"tokens": N, "seconds": best time of REPEATS runs}.
'use strict';
const fs = require('fs');
const { Tokenizer } = require('@anush008/tokenizers');

async function main() {
  const [tokPath, sentPath, repStr, mode] = process.argv.slice(2);
  const sentences = JSON.parse(fs.readFileSync(sentPath, 'utf8'));
  const tok = Tokenizer.fromFile(tokPath);
  tok.disableTruncation();
  tok.disablePadding();
  const reps = parseInt(repStr, 10);
  let best = Infinity;
  let tokens = 0;
  // warm-up
  await tok.encodeBatch(sentences.slice(0, 64), { addSpecialTokens: true });
  for (let r = 0; r < reps; r++) {
    let n = 0;
    const t0 = process.hrtime.bigint();
    if (mode === 'seq') {
      for (const s of sentences) {
        const e = await tok.encode(s, null, { addSpecialTokens: true });
        n += e.getIds().length;
      }
    } else {
      const encs = await tok.encodeBatch(sentences, { addSpecialTokens: true });
      for (const e of encs) n += e.getIds().length;
    }
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (dt < best) best = dt;
    tokens = n;
  }
  console.log(JSON.stringify({ tokens, seconds: best }));
}

main().catch(e => { console.error(e); process.exit(1); });
