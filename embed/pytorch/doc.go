// Package pytorch reads PyTorch checkpoints written by torch.save (a
// pytorch_model.bin, a .pt or .pth file holding a state dict) in pure Go,
// with an API shaped like package safetensors': tensor names, dtypes and
// shapes, raw bytes, float32 data, and a conversion to safetensors.
//
// # The format
//
// Since PyTorch 1.6, torch.save writes a zip archive of uncompressed
// records under one folder (named after the file, or "archive" in newer
// versions):
// <name>/data.pkl, the state dict pickled with the tensors' storages as
// persistent ids ("storage", torch.FloatStorage, key, location, numel);
// <name>/data/<key>, each storage's raw little-endian elements;
// <name>/version and, in newer versions, <name>/byteorder ("little" is
// read, "big" refused) and records this package ignores. Each tensor is
// rebuilt by torch._utils._rebuild_tensor_v2(storage, offset, size,
// stride, ...), so tensors can be views: several sharing a storage at
// different offsets (tied weights, slices) or strided (transposed,
// stepped). Open checks every record's CRC-32 and every view's reach
// against its storage, and Bytes and Float32s gather strided views into
// row-major order.
//
// Open also takes a sharded checkpoint's index (pytorch_model.bin.index.json,
// whose "weight_map" names each tensor's shard in the same folder), as
// transformers writes it; IndexShards lists the shards to fetch first.
// WriteSafetensors and ConvertFile turn a checkpoint into one safetensors
// file, which is how code reading safetensors can load it.
//
// # Safety
//
// Unpickling a file with Python's pickle runs whatever its __reduce__
// entries name. This package's unpickler runs and imports nothing: it is
// a stack machine for the opcodes torch.save emits (protocols 2 to 5:
// PROTO, FRAME, MARK, STOP, the integer, float, string and bytes pushes,
// tuples, lists, dicts, the memo, GLOBAL and STACK_GLOBAL, REDUCE, BUILD,
// BINPERSID) whose only globals are collections.OrderedDict,
// torch._utils._rebuild_tensor_v2, _rebuild_tensor, _rebuild_parameter and
// _rebuild_parameter_with_state (interpreted, not called), the typed
// storage classes (torch.FloatStorage, HalfStorage, BFloat16Storage,
// DoubleStorage, LongStorage, IntStorage, ShortStorage, CharStorage,
// ByteStorage, BoolStorage) and torch dtype names. Any other global
// (os.system, builtins.eval, a model class of a full pickled module) and
// any other opcode (INST, OBJ, NEWOBJ, the extension registry, ...) is an
// error wrapping errs.ErrUnsupported that names it and its offset in
// data.pkl; BUILD is accepted only on dicts (the state dict's _metadata).
//
// Sizes are bounded before anything is allocated: data.pkl by
// MaxPickleSize, each record by the file's size, each storage's element
// count by its record, each tensor's elements by its storage (a broadcast
// view with zero strides that reaches more elements than its storage
// holds is refused), and each offset and stride by the storage's end.
//
// # What is not read
//
// The legacy formats (the bare pickle stream of PyTorch before 1.6, the
// tar archive of PyTorch before 0.4), TorchScript archives
// (torch.jit.save), big-endian checkpoints and compressed records are
// refused with errs.ErrUnsupported naming the format; to read them, load
// and save them again with a recent PyTorch. Quantized, sparse and
// complex tensors, and storages of other types, are refused as
// unsupported globals. Values of the state dict that are not tensors or
// dicts (an epoch count, a learning rate) are skipped.
//
// Errors wrap the sentinels of package errs, with the file and tensor
// or record names in their messages: errs.ErrCorrupt for a malformed,
// truncated or inconsistent file, errs.ErrUnsupported as above and for a
// dtype Float32s cannot convert, errs.ErrNotFound for an absent tensor
// and errs.ErrClosed after Close.
package pytorch
