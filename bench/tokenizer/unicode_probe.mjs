// Classifies every Unicode code point with the Hugging Face tokenizers
// binding, for embed/tokenizer's TestUnicodeProbe: what Lowercase,
// StripAccents and BertNormalizer's accent stripping make of it, whether
// the Whitespace, WhitespaceSplit, Digits and ByteLevel (GPT-2 split)
// pre-tokenizers see a word character, space, number or letter, and which
// code points Split regexes with Oniguruma's classes (\w, \d, \s, \p{..})
// match. It takes a few minutes.
//
//   cd bench/tokenizer && npm install
//   node unicode_probe.mjs ../out/unicode_probe.json
//   cd ../../embed/tokenizer
//   TOKENIZER_UNICODE_PROBE=../../bench/out/unicode_probe.json go test -run TestUnicodeProbe .
import fs from 'fs';
import path from 'path';
import { createRequire } from 'module';
const require = createRequire(import.meta.url);
const tk = require('@anush008/tokenizers');

const all = [];
for (let c = 0; c <= 0x10FFFF; c++) if (c < 0xD800 || c > 0xDFFF) all.push(c);

// ranges turns a sorted list of code points into [lo, hi] ranges.
function ranges(cps) {
  const out = [];
  for (const c of cps) {
    const last = out[out.length - 1];
    if (last && (c === last[1] + 1 || (last[1] === 0xD7FF && c === 0xE000))) last[1] = c;
    else out.push([c, c]);
  }
  return out;
}

const out = { binding: '@anush008/tokenizers@0.6.0 (tokenizers 0.22.2)', normalizers: {}, classes: {} };

// Normalizers: the code points whose output differs from the input.
const norms = {
  Lowercase: tk.lowercase(),
  StripAccents: tk.stripAccentsNormalizer(),
  BertStripAccents: tk.bertNormalizer({ cleanText: false, handleChineseChars: false, stripAccents: true, lowercase: false }),
};
for (const [name, n] of Object.entries(norms)) {
  const diff = [];
  for (const c of all) {
    const s = String.fromCodePoint(c);
    const r = n.normalizeString(s);
    if (r !== s) diff.push([c, [...r].map(x => x.codePointAt(0))]);
  }
  out.normalizers[name] = diff;
  console.error(name, diff.length);
}

// Pre-tokenizer classes, from the number of pieces around the character.
const wsp = tk.whitespacePreTokenizer();
const wss = tk.whitespaceSplitPreTokenizer();
const dig = tk.digitsPreTokenizer(false);
const bl = tk.byteLevelPreTokenizer(false, true);
const pre = {
  'whitespace-word': c => wsp.preTokenizeString('x' + c + 'y').length === 1,
  'whitespace-space': c => wsp.preTokenizeString('x' + c + 'y').length === 2,
  'whitespacesplit-space': c => wss.preTokenizeString('x' + c + 'y').length === 2,
  'digits-number': c => dig.preTokenizeString('x' + c + 'y').length === 3,
  'gpt2-letter': c => bl.preTokenizeString('a' + c).length === 1,
  'gpt2-number': c => bl.preTokenizeString('1' + c).length === 1,
  'gpt2-other': c => bl.preTokenizeString('!' + c).length === 1,
};
for (const [name, f] of Object.entries(pre)) {
  out.classes[name] = ranges(all.filter(c => f(String.fromCodePoint(c))));
  console.error(name, out.classes[name].length, 'ranges');
}

// Oniguruma classes: the code points a Split(Removed) regex removes.
const regexes = ['\\w', '\\W', '[\\w]', '[\\W]', '\\d', '\\D', '\\s', '\\S', '[\\S]', '[^\\s\\p{L}\\p{N}]', '\\P{L}',
  '\\p{^L}', '\\p{LC}', '\\p{Cn}', '\\p{Letter}', '\\p{other_symbol}', '\\pL'];
for (const g of 'L Lu Ll Lt Lm Lo M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po S Sm Sc Sk So Z Zs Zl Zp C Cc Cf Co'.split(' ')) {
  regexes.push('\\p{' + g + '}');
}
const strs = all.map(c => String.fromCodePoint(c));
for (const rx of regexes) {
  const t = tk.Tokenizer.fromString(JSON.stringify({
    version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null,
    pre_tokenizer: { type: 'Split', pattern: { Regex: rx }, behavior: 'Removed', invert: false },
    post_processor: null, decoder: null, model: { type: 'WordLevel', vocab: { '[UNK]': 0 }, unk_token: '[UNK]' },
  }));
  const m = [];
  for (let i = 0; i < all.length; i += 50000) {
    const encs = await t.encodeBatch(strs.slice(i, i + 50000), { addSpecialTokens: false });
    encs.forEach((e, k) => { if (e.getIds().length === 0) m.push(all[i + k]); });
  }
  out.classes['regex ' + rx] = ranges(m);
  console.error(rx, m.length);
}

const file = process.argv[2] || '../out/unicode_probe.json';
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, JSON.stringify(out));
