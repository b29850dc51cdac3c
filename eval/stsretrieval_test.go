// This file tests STSRetrieval's construction and DropSelf on a small
// hand-made set.

package eval

import (
	"reflect"
	"testing"
)

func TestSTSRetrieval(t *testing.T) {
	pairs := []Pair{
		{"a", "b", 4.5},
		{"a", "c", 4.0},
		{"c", "d", 3.9}, // below the threshold: only adds d to the corpus
		{"e", "e", 5},   // identical: skipped
	}
	s := STSRetrieval(pairs, 4.0)
	if want := []string{"a", "b", "c", "d", "e"}; !reflect.DeepEqual(s.Corpus, want) {
		t.Fatalf("corpus %v", s.Corpus)
	}
	want := Qrels{"q0": {"1": 1, "2": 1}, "q1": {"0": 1}, "q2": {"0": 1}}
	if !reflect.DeepEqual(s.Qrels, want) {
		t.Fatalf("qrels %v, want %v", s.Qrels, want)
	}
	if s.Queries["q0"] != "a" || s.Queries["q2"] != "c" || s.SelfDoc["q1"] != "1" || len(s.Queries) != 3 {
		t.Fatalf("queries %v self %v", s.Queries, s.SelfDoc)
	}
	run := s.DropSelf(Run{"q0": {"0", "2", "1"}, "q1": {"1"}})
	if !reflect.DeepEqual(run, Run{"q0": {"2", "1"}, "q1": {}}) {
		t.Fatalf("DropSelf: %v", run)
	}
	if r := RecallAtK(s.Qrels, run, 10); r != 1.0/3 {
		t.Fatalf("recall %v", r)
	}
}
