// This file tests Metric's names and parsing.

package index

import (
	"errors"
	"testing"

	"github.com/ganada/ganada/errs"
)

func TestMetricNames(t *testing.T) {
	for _, m := range []Metric{Cosine, Dot, L2} {
		p, err := ParseMetric(m.String())
		if err != nil || p != m {
			t.Errorf("%v: %v %v", m, p, err)
		}
	}
	if _, err := ParseMetric("manhattan"); !errors.Is(err, errs.ErrInvalidInput) {
		t.Error(err)
	}
	if Metric(0).Valid() {
		t.Error("zero metric valid")
	}
}
