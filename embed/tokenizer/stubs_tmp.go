package tokenizer

func parseBPE(o obj) (model, error) { return nil, unsupported(o.path, "BPE") }
