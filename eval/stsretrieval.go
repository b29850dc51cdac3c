// This file builds a retrieval task from STS pairs: the pairs scored at
// least a threshold become queries with one relevant passage each, among
// all the sentences of the set.

package eval

import "strconv"

// RetrievalSet is a retrieval task: a corpus, queries and their relevant
// documents.
type RetrievalSet struct {
	// Corpus holds the documents; a document's ID is its index in decimal
	// ("0", "1", …).
	Corpus []string
	// Queries maps a query ID to its text; the query's text is also a
	// document of Corpus (SelfDoc).
	Queries map[string]string
	// SelfDoc maps a query ID to the ID of its own sentence in Corpus,
	// which a run should drop before scoring (it would rank first).
	SelfDoc map[string]string
	// Qrels holds the relevant documents, grade 1.
	Qrels Qrels
}

// STSRetrieval turns STS pairs into a retrieval task, the construction
// issue 15 of this project names: Corpus is every distinct sentence of
// pairs (in order of first appearance); each pair whose score is at least
// minScore makes its first sentence a query with its second sentence
// relevant, and its second a query with the first relevant (pairs of
// identical sentences are skipped). A sentence that is a query in several
// pairs is one query with all their relevant sentences.
func STSRetrieval(pairs []Pair, minScore float64) RetrievalSet {
	set := RetrievalSet{Queries: map[string]string{}, SelfDoc: map[string]string{}, Qrels: Qrels{}}
	id := map[string]string{}
	text := map[string]string{}
	doc := func(s string) string {
		if d, ok := id[s]; ok {
			return d
		}
		d := strconv.Itoa(len(set.Corpus))
		id[s], text[d] = d, s
		set.Corpus = append(set.Corpus, s)
		return d
	}
	for _, p := range pairs {
		d1, d2 := doc(p.Sentence1), doc(p.Sentence2)
		if p.Score < minScore || d1 == d2 {
			continue
		}
		for _, qd := range [][2]string{{d1, d2}, {d2, d1}} {
			q := "q" + qd[0]
			set.Queries[q] = text[qd[0]]
			set.SelfDoc[q] = qd[0]
			if set.Qrels[q] == nil {
				set.Qrels[q] = map[string]int{}
			}
			set.Qrels[q][qd[1]] = 1
		}
	}
	return set
}

// DropSelf removes each query's own sentence from its ranking in run.
func (s RetrievalSet) DropSelf(run Run) Run {
	out := make(Run, len(run))
	for q, ranked := range run {
		self := s.SelfDoc[q]
		kept := make([]string, 0, len(ranked))
		for _, d := range ranked {
			if d != self {
				kept = append(kept, d)
			}
		}
		out[q] = kept
	}
	return out
}
