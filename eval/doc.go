// Package eval measures embedding quality: semantic textual similarity
// (STS) scored the SentEval / sentence-transformers / MTEB way, retrieval
// metrics from relevance judgements (qrels) defined as trec_eval and
// pytrec_eval define them, and the recall of an approximate index against
// exact search.
//
// # STS
//
// An STS set is a list of sentence pairs with gold similarity scores
// (0–5). EvaluateSTS encodes every distinct sentence once, scores each pair
// by the cosine similarity of its two vectors (0 when either vector is
// zero), and reports the Spearman rank correlation and the Pearson
// correlation of those cosines with the gold scores, both ×100. Spearman
// uses average ranks for ties, as scipy.stats.spearmanr does.
//
// Loaders read the formats of the evaluation data the project uses:
// ReadSTSBenchmarkCSV the stsb-multi-mt CSV files (sentence1,sentence2,score,
// no header, RFC 4180 quoting) and ReadKorSTS the KorSTS TSV files (a
// header, then genre, filename, year, id, score, sentence1, sentence2
// separated by tabs, with no quoting: quote characters are literal text).
//
// The command eval/cmd/sts prints STS-B (English) and KorSTS test scores
// for the embedded GloVe model or a model file or folder.
package eval
