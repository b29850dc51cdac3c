// Tests of the tuning choice: the processor's mapping and GANADA_TUNE.

package cpu

import (
	"os"
	"strings"
	"testing"
)

func TestTuningFor(t *testing.T) {
	for _, c := range []struct {
		p    Processor
		want Tuning
	}{
		{Processor{Vendor: "AuthenticAMD", Family: 23, Model: 0x31}, TuneZen3},
		{Processor{Vendor: "AuthenticAMD", Family: 25, Model: 0x01}, TuneZen3},
		{Processor{Vendor: "AuthenticAMD", Family: 25, Model: 0x11}, TuneZen4},
		{Processor{Vendor: "AuthenticAMD", Family: 26, Model: 0x02}, TuneZen5},
		{Processor{Vendor: "AuthenticAMD", Family: 26, Model: 0x50}, TuneZen5},
		{Processor{Vendor: "AuthenticAMD", Family: 23, Model: 0x01}, TuneUnknown}, // Zen 1
		{Processor{Vendor: "GenuineIntel", Family: 6, Model: 0x8f}, TuneIntel},
		{Processor{Vendor: "GenuineIntel", Family: 6, Model: 0x3c}, TuneIntel},
		{Processor{Vendor: "GenuineIntel", Family: 15, Model: 0x01}, TuneUnknown},
		{Processor{Arch: "arm64"}, TuneUnknown},
	} {
		if got := tuningFor(c.p); got != c.want {
			t.Errorf("tuningFor(%+v) = %s, want %s", c.p, got, c.want)
		}
	}
}

func TestDecideTuning(t *testing.T) {
	zen3 := Processor{Vendor: "AuthenticAMD", Family: 25, Model: 0x01}
	for _, c := range []struct {
		env  string
		set  bool
		want Tuning
		says string
	}{
		{"", false, TuneZen3, "from the processor"},
		{"  ", true, TuneZen3, "from the processor"},
		{"zen4", true, TuneZen4, "GANADA_TUNE=zen4 (the processor's is zen3)"},
		{" ZEN5\n", true, TuneZen5, "GANADA_TUNE=zen5"},
		{"intel", true, TuneIntel, "GANADA_TUNE=intel"},
		{"unknown", true, TuneUnknown, "GANADA_TUNE=unknown"},
		{"zen9", true, TuneZen3, `"zen9" ignored`},
		{strings.Repeat("z", 1000), true, TuneZen3, "ignored"},
	} {
		got, why := decideTuning(zen3, c.env, c.set)
		if got != c.want || !strings.Contains(why, c.says) {
			t.Errorf("decideTuning(zen3, %q, %v) = %s, %q; want %s saying %q", c.env, c.set, got, why, c.want, c.says)
		}
	}
	for _, tu := range Tunings() {
		if got, _ := decideTuning(Processor{}, tu.String(), true); got != tu {
			t.Errorf("GANADA_TUNE=%s gave %s", tu, got)
		}
	}
	if s := Tuning(200).String(); !strings.Contains(s, "200") {
		t.Errorf("Tuning(200) = %q", s)
	}
}

// TestTuneFollowsEnvironment checks this process's own tuning against its
// environment (TestEveryTuning runs it under each GANADA_TUNE).
func TestTuneFollowsEnvironment(t *testing.T) {
	env, set := os.LookupEnv(TuneEnvVar)
	want, _ := decideTuning(CPU(), env, set)
	if Tune() != want {
		t.Errorf("%s=%q gave %s, want %s (%s)", TuneEnvVar, env, Tune(), want, TuneReason())
	}
	t.Logf("tuned for %s: %s", Tune(), TuneReason())
}
