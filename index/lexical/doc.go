// Package lexical is ganada's BM25 inverted index: full-text search over
// texts keyed by uint64 ids, kept beside a vector index so that a
// ganada.Collection can answer lexical and hybrid queries.
//
// # Scoring
//
// Scores are Lucene's BM25Similarity as Lucene 8 and later compute it (the
// constant (k1 + 1) factor of the classic formula was dropped in Lucene 8,
// LUCENE-8563, and is not applied here either), with k1 = 1.2 and b = 0.75
// by default:
//
//	score(q, d) = Σ_{t ∈ q} idf(t) · tf / (tf + k1 · (1 − b + b · dl / avgdl))
//	idf(t)      = ln(1 + (N − n + 0.5) / (n + 0.5))
//
// N counts the documents with at least one term, n those holding t, dl is
// the document's length in terms and avgdl their mean. Two deliberate
// differences from Lucene: dl is exact (Lucene encodes it in one byte,
// SmallFloat.intToByte4, exact up to 39 terms and within about 6% above),
// and deletes update N, n and avgdl at once (Lucene counts deleted
// documents until their segment merges). The tests compare every score with
// a float64 reference of the formula above (relative difference ≤ 1e-6,
// measured 2e-7).
//
// # Analysis
//
// The Standard analyzer (NewAnalyzer) normalises with NFKC, lowercases,
// splits words by UAX #29 (Unicode 15.0.0, tested on all 1823 cases of
// WordBreakTest.txt) and cuts runs of Han, Hiragana, Katakana and Hangul
// into overlapping character bigrams, as Lucene's CJKAnalyzer does; stop
// words are optional (WithEnglishStopWords). WithCJKPieces replaces the
// bigrams with a caller's split, such as a model tokenizer's pieces.
//
// Measured on KorSTS retrieval (the pairs scored ≥ 4.0 as query → relevant
// sentence among all sentences of the split, the query's own sentence
// removed; TestKorSTSRetrieval, KORSTS_SPLIT picks the split):
//
//	split  queries  bigrams (default)  unigram-ko pieces  whole words
//	              NDCG@10 / recall@100
//	test     628   0.8612 / 0.9920     0.8649 / 0.9849    0.8005 / 0.9777
//	dev      511   0.8835 / 0.9883     0.8756 / 0.9922    0.8212 / 0.9491
//	train   2644   0.8306 / 0.9820     0.8377 / 0.9811    0.7347 / 0.9146
//
// The pieces are those of the 8000-piece SentencePiece Unigram tokenizer of
// the test fixtures, trained on all KorSTS sentences; bigrams tie with it
// without any model, so they are the default.
//
// # Updates and persistence
//
// Add replaces the text stored under an id; Delete removes it at once, and
// the postings of deleted documents are dropped in a compaction once they
// outnumber the live ones. WriteTo and ReadFrom use the sectioned,
// checksummed format of ganada's other index files (internal/persist);
// an index file records its analyzer's name and loads only with the same
// analyzer (errs.ErrEncoderMismatch otherwise).
package lexical
