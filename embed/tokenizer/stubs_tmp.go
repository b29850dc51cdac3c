package tokenizer

type latNode struct{}

func parseUnigram(o obj) (model, error)          { return nil, unsupported(o.path, "Unigram") }
func parseBPE(o obj) (model, error)              { return nil, unsupported(o.path, "BPE") }
func parsePrecompiled(o obj) (normalizer, error) { return nil, unsupported(o.path, "Precompiled") }
