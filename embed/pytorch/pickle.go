// pickle.go is the restricted unpickler: a stack machine for the pickle
// opcodes torch.save writes for a state dict (protocol 2, and the framing
// opcodes of protocols 4 and 5), building plain Go values. It imports and
// calls nothing: the few globals it accepts (OrderedDict, the tensor and
// parameter rebuild functions, the storage classes, dtypes) are names it
// interprets itself; every other global and every opcode outside the list
// is refused with errs.ErrUnsupported naming it.

package pytorch

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/ganada/ganada/errs"
)

// Pickle opcodes (Python's Lib/pickletools.py documents each).
const (
	opMark           = '('
	opStop           = '.'
	opPop            = '0'
	opPopMark        = '1'
	opDup            = '2'
	opBinInt         = 'J'
	opBinInt1        = 'K'
	opBinInt2        = 'M'
	opNone           = 'N'
	opBinPersID      = 'Q'
	opReduce         = 'R'
	opBinString      = 'T'
	opShortBinString = 'U'
	opBinUnicode     = 'X'
	opAppend         = 'a'
	opBuild          = 'b'
	opGlobal         = 'c'
	opAppends        = 'e'
	opBinGet         = 'h'
	opLongBinGet     = 'j'
	opEmptyList      = ']'
	opBinPut         = 'q'
	opLongBinPut     = 'r'
	opSetItem        = 's'
	opTuple          = 't'
	opSetItems       = 'u'
	opEmptyTuple     = ')'
	opEmptyDict      = '}'
	opBinFloat       = 'G'
	opProto          = 0x80
	opTuple1         = 0x85
	opTuple2         = 0x86
	opTuple3         = 0x87
	opNewTrue        = 0x88
	opNewFalse       = 0x89
	opLong1          = 0x8a
	opBinBytes       = 'B'
	opShortBinBytes  = 'C'
	// Protocol 4 and 5 framing and shorter forms, which torch.save writes
	// when called with pickle_protocol=4 or 5.
	opShortBinUnicode = 0x8c
	opStackGlobal     = 0x93
	opMemoize         = 0x94
	opFrame           = 0x95
)

// opNames names the opcodes the machine refuses, for the error message.
var opNames = map[byte]string{
	'I': "INT", 'L': "LONG", 'F': "FLOAT", 'S': "STRING", 'V': "UNICODE",
	'P': "PERSID", 'g': "GET", 'p': "PUT", 'd': "DICT", 'l': "LIST",
	'i': "INST", 'o': "OBJ", 0x81: "NEWOBJ", 0x82: "EXT1", 0x83: "EXT2",
	0x84: "EXT4", 0x8b: "LONG4", 0x8d: "BINUNICODE8", 0x8e: "BINBYTES8",
	0x8f: "EMPTY_SET", 0x90: "ADDITEMS", 0x91: "FROZENSET", 0x92: "NEWOBJ_EX",
	0x96: "BYTEARRAY8", 0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER",
}

// Values on the machine's stack: nil (None), bool, int64, float64, string,
// []byte, *tuple, *list, *dict, global, *storageRef, *tensorVal.
type value = any

type tuple struct{ items []value }

var emptyTuple = &tuple{}

type list struct{ items []value }

// dict is an ordered dictionary (Python dicts keep insertion order). Keys
// are scalars; a key given again replaces the value in its first place.
// The index is built only once the dict grows past a few items, so the
// many small dicts of a state dict (and of a hostile pickle) stay small.
type dict struct {
	items []item
	index map[value]int
	// ordered marks a collections.OrderedDict; attrs holds what BUILD
	// set on it (the state dict's _metadata).
	ordered bool
	attrs   *dict
}

type item struct{ k, v value }

func (d *dict) len() int { return len(d.items) }

// indexFrom is the size from which a dict keeps an index of its keys.
const indexFrom = 16

func (d *dict) set(k, v value) error {
	switch k.(type) {
	case nil, bool, int64, float64, string:
	default:
		return fmt.Errorf("dict key of type %s", typeName(k))
	}
	if d.index != nil {
		if i, ok := d.index[k]; ok {
			d.items[i].v = v
			return nil
		}
		d.index[k] = len(d.items)
	} else {
		for i := range d.items {
			if d.items[i].k == k {
				d.items[i].v = v
				return nil
			}
		}
		if len(d.items) == indexFrom {
			d.index = make(map[value]int, 2*indexFrom)
			for i, it := range d.items {
				d.index[it.k] = i
			}
			d.index[k] = len(d.items)
		}
	}
	d.items = append(grow(d.items), item{k, v})
	return nil
}

// global is a module-qualified name the machine accepts.
type global struct{ module, name string }

func (g global) String() string { return g.module + "." + g.name }

// storageRef is a storage named by a persistent id: the record
// data/<key> holding numel elements of dtype.
type storageRef struct {
	key      string
	dtype    DType
	numel    int64
	location string
}

// tensorVal is what _rebuild_tensor_v2 would build: a strided view of a
// storage. It is checked against its storage when the state dict is read.
type tensorVal struct {
	storage *storageRef
	offset  int64
	size    []int64
	stride  []int64
}

// storageTypes maps the storage classes torch.save names to dtypes.
var storageTypes = map[string]DType{
	"FloatStorage":    F32,
	"DoubleStorage":   F64,
	"HalfStorage":     F16,
	"BFloat16Storage": BF16,
	"LongStorage":     I64,
	"IntStorage":      I32,
	"ShortStorage":    I16,
	"CharStorage":     I8,
	"ByteStorage":     U8,
	"BoolStorage":     Bool,
}

// dtypes maps the torch dtype names a pickle may hold (torch.float32 and
// so on, as the metadata of newer files names them) to dtypes.
var dtypes = map[string]DType{
	"float32": F32, "float": F32, "float64": F64, "double": F64,
	"float16": F16, "half": F16, "bfloat16": BF16,
	"int64": I64, "long": I64, "int32": I32, "int": I32,
	"int16": I16, "short": I16, "int8": I8, "uint8": U8, "bool": Bool,
}

// Accepted callables.
var (
	gOrderedDict         = global{"collections", "OrderedDict"}
	gRebuildTensorV2     = global{"torch._utils", "_rebuild_tensor_v2"}
	gRebuildTensor       = global{"torch._utils", "_rebuild_tensor"}
	gRebuildParameter    = global{"torch._utils", "_rebuild_parameter"}
	gRebuildParamWithSta = global{"torch._utils", "_rebuild_parameter_with_state"}
)

// allowGlobal reports whether a GLOBAL may be pushed. Nothing is imported:
// the name is only remembered, and REDUCE interprets the few callables.
func allowGlobal(g global) bool {
	switch g {
	case gOrderedDict, gRebuildTensorV2, gRebuildTensor, gRebuildParameter, gRebuildParamWithSta:
		return true
	}
	if g.module == "torch" {
		if _, ok := storageTypes[g.name]; ok {
			return true
		}
		if _, ok := dtypes[g.name]; ok {
			return true
		}
	}
	return false
}

// maxDepth bounds the nesting the state-dict walk follows.
const maxDepth = 32

// unpickler runs one pickle. Everything it allocates is in proportion to
// the pickle's length: each opcode pushes at most one value, and strings
// and bytes are bounded by the bytes that remain.
type unpickler struct {
	b     []byte
	pos   int
	stack []value
	marks []int
	memo  map[uint32]value
	// storages maps persistent-id keys to their storages, so a key named
	// twice (tied weights) is one storage.
	storages map[string]*storageRef
}

// errf returns an error about the opcode before u.pos, wrapping sentinel.
func (u *unpickler) errf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("offset %d: %s: %w", u.pos, fmt.Sprintf(format, args...), sentinel)
}

// unpickle runs the pickle b and returns the value STOP returns.
func unpickle(b []byte) (value, map[string]*storageRef, error) {
	u := &unpickler{b: b, memo: map[uint32]value{}, storages: map[string]*storageRef{}}
	v, err := u.run()
	return v, u.storages, err
}

func (u *unpickler) need(n int) error {
	if n < 0 || n > len(u.b)-u.pos {
		return u.errf(errs.ErrCorrupt, "truncated: %d bytes needed, %d left", n, len(u.b)-u.pos)
	}
	return nil
}

func (u *unpickler) read(n int) ([]byte, error) {
	if err := u.need(n); err != nil {
		return nil, err
	}
	s := u.b[u.pos : u.pos+n]
	u.pos += n
	return s, nil
}

func (u *unpickler) push(v value) { u.stack = append(grow(u.stack), v) }

// grow makes room for one more element, doubling the capacity: append
// grows large slices by a quarter, which allocates about five times the
// final size in all, twice what doubling does.
func grow[T any](s []T) []T {
	if len(s) < cap(s) {
		return s
	}
	n := make([]T, len(s), 2*cap(s)+8)
	copy(n, s)
	return n
}

func (u *unpickler) pop() (value, error) {
	lo := 0
	if len(u.marks) > 0 {
		lo = u.marks[len(u.marks)-1]
	}
	if len(u.stack) <= lo {
		return nil, u.errf(errs.ErrCorrupt, "stack underflow")
	}
	v := u.stack[len(u.stack)-1]
	u.stack = u.stack[:len(u.stack)-1]
	return v, nil
}

func (u *unpickler) top() (value, error) {
	lo := 0
	if len(u.marks) > 0 {
		lo = u.marks[len(u.marks)-1]
	}
	if len(u.stack) <= lo {
		return nil, u.errf(errs.ErrCorrupt, "stack underflow")
	}
	return u.stack[len(u.stack)-1], nil
}

// popMark pops the values above the last MARK and the mark itself. The
// result aliases the stack: use it before the next push.
func (u *unpickler) popMark() ([]value, error) {
	if len(u.marks) == 0 {
		return nil, u.errf(errs.ErrCorrupt, "no MARK on the stack")
	}
	m := u.marks[len(u.marks)-1]
	u.marks = u.marks[:len(u.marks)-1]
	items := u.stack[m:]
	u.stack = u.stack[:m]
	return items, nil
}

func (u *unpickler) line() (string, error) {
	const maxLine = 256
	for i := u.pos; i < len(u.b) && i-u.pos <= maxLine; i++ {
		if u.b[i] == '\n' {
			s := string(u.b[u.pos:i])
			u.pos = i + 1
			return s, nil
		}
	}
	return "", u.errf(errs.ErrCorrupt, "GLOBAL name not ended by a newline within %d bytes", maxLine)
}

func (u *unpickler) str(n int) (string, error) {
	s, err := u.read(n)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(s) {
		return "", u.errf(errs.ErrCorrupt, "string is not UTF-8")
	}
	return string(s), nil
}

func (u *unpickler) run() (value, error) {
	for {
		if u.pos >= len(u.b) {
			return nil, u.errf(errs.ErrCorrupt, "pickle ends without STOP")
		}
		at := u.pos
		op := u.b[u.pos]
		u.pos++
		var err error
		switch op {
		case opProto:
			var p []byte
			if p, err = u.read(1); err == nil && (p[0] < 2 || p[0] > 5) {
				err = u.errf(errs.ErrUnsupported, "pickle protocol %d (torch.save writes 2 to 5)", p[0])
			}
		case opFrame:
			_, err = u.read(8) // frames only group opcodes
		case opStop:
			v, err := u.pop()
			if err != nil {
				return nil, err
			}
			return v, nil
		case opMark:
			u.marks = append(grow(u.marks), len(u.stack))
		case opPop:
			if len(u.marks) > 0 && len(u.stack) == u.marks[len(u.marks)-1] {
				u.marks = u.marks[:len(u.marks)-1] // POP of a MARK, as Python does
			} else {
				_, err = u.pop()
			}
		case opPopMark:
			_, err = u.popMark()
		case opDup:
			var v value
			if v, err = u.top(); err == nil {
				u.push(v)
			}
		case opNone:
			u.push(nil)
		case opNewTrue:
			u.push(true)
		case opNewFalse:
			u.push(false)
		case opBinInt:
			var s []byte
			if s, err = u.read(4); err == nil {
				u.push(int64(int32(binary.LittleEndian.Uint32(s))))
			}
		case opBinInt1:
			var s []byte
			if s, err = u.read(1); err == nil {
				u.push(int64(s[0]))
			}
		case opBinInt2:
			var s []byte
			if s, err = u.read(2); err == nil {
				u.push(int64(binary.LittleEndian.Uint16(s)))
			}
		case opLong1:
			err = u.long1()
		case opBinFloat:
			var s []byte
			if s, err = u.read(8); err == nil {
				u.push(math.Float64frombits(binary.BigEndian.Uint64(s)))
			}
		case opBinUnicode:
			var s []byte
			if s, err = u.read(4); err == nil {
				var v string
				if v, err = u.str(int(binary.LittleEndian.Uint32(s))); err == nil {
					u.push(v)
				}
			}
		case opShortBinUnicode:
			var s []byte
			if s, err = u.read(1); err == nil {
				var v string
				if v, err = u.str(int(s[0])); err == nil {
					u.push(v)
				}
			}
		case opBinString, opBinBytes:
			// BINSTRING is a Python 2 str, read as Python 3 does with
			// encoding="bytes"; torch.save on Python 3 writes neither
			// for a state dict, but both are plain data.
			var s []byte
			if s, err = u.read(4); err == nil {
				var v []byte
				if v, err = u.read(int(int32(binary.LittleEndian.Uint32(s)))); err == nil {
					u.push(append([]byte(nil), v...))
				}
			}
		case opShortBinString, opShortBinBytes:
			var s []byte
			if s, err = u.read(1); err == nil {
				var v []byte
				if v, err = u.read(int(s[0])); err == nil {
					u.push(append([]byte(nil), v...))
				}
			}
		case opEmptyTuple:
			u.push(emptyTuple) // immutable: one for all
		case opTuple:
			var items []value
			if items, err = u.popMark(); err == nil {
				u.push(&tuple{items: slices.Clone(items)})
			}
		case opTuple1, opTuple2, opTuple3:
			n := int(op-opTuple1) + 1
			items := make([]value, n)
			for i := n - 1; i >= 0 && err == nil; i-- {
				items[i], err = u.pop()
			}
			if err == nil {
				u.push(&tuple{items: items})
			}
		case opEmptyList:
			u.push(&list{})
		case opAppend:
			var v value
			if v, err = u.pop(); err == nil {
				err = u.appendTo([]value{v})
			}
		case opAppends:
			var items []value
			if items, err = u.popMark(); err == nil {
				err = u.appendTo(items)
			}
		case opEmptyDict:
			u.push(&dict{})
		case opSetItem:
			var k, v value
			if v, err = u.pop(); err == nil {
				if k, err = u.pop(); err == nil {
					err = u.setItems([]value{k, v})
				}
			}
		case opSetItems:
			var items []value
			if items, err = u.popMark(); err == nil {
				err = u.setItems(items)
			}
		case opBinPut:
			var s []byte
			if s, err = u.read(1); err == nil {
				err = u.put(uint32(s[0]))
			}
		case opLongBinPut:
			var s []byte
			if s, err = u.read(4); err == nil {
				err = u.put(binary.LittleEndian.Uint32(s))
			}
		case opMemoize:
			err = u.put(uint32(len(u.memo)))
		case opBinGet:
			var s []byte
			if s, err = u.read(1); err == nil {
				err = u.get(uint32(s[0]))
			}
		case opLongBinGet:
			var s []byte
			if s, err = u.read(4); err == nil {
				err = u.get(binary.LittleEndian.Uint32(s))
			}
		case opGlobal:
			var mod, name string
			if mod, err = u.line(); err == nil {
				if name, err = u.line(); err == nil {
					err = u.pushGlobal(global{mod, name}, at)
				}
			}
		case opStackGlobal:
			var m, n value
			if n, err = u.pop(); err == nil {
				if m, err = u.pop(); err == nil {
					ms, ok1 := m.(string)
					ns, ok2 := n.(string)
					if !ok1 || !ok2 {
						err = u.errf(errs.ErrCorrupt, "STACK_GLOBAL of %s and %s, not two strings", typeName(m), typeName(n))
					} else {
						err = u.pushGlobal(global{ms, ns}, at)
					}
				}
			}
		case opReduce:
			err = u.reduce(at)
		case opBuild:
			err = u.build(at)
		case opBinPersID:
			err = u.persID(at)
		default:
			name, ok := opNames[op]
			if !ok {
				return nil, fmt.Errorf("offset %d: unknown opcode 0x%02x: %w", at, op, errs.ErrCorrupt)
			}
			return nil, fmt.Errorf("offset %d: opcode %s (0x%02x) is not used by torch.save and is refused: %w", at, name, op, errs.ErrUnsupported)
		}
		if err != nil {
			return nil, err
		}
	}
}

// long1 reads a LONG1: a little-endian two's-complement integer of up to
// 8 bytes (wider ones cannot be a size or an offset).
func (u *unpickler) long1() error {
	s, err := u.read(1)
	if err != nil {
		return err
	}
	n := int(s[0])
	if n > 8 {
		return u.errf(errs.ErrUnsupported, "integer of %d bytes", n)
	}
	b, err := u.read(n)
	if err != nil {
		return err
	}
	var x uint64
	for i := n - 1; i >= 0; i-- {
		x = x<<8 | uint64(b[i])
	}
	if n > 0 && n < 8 && b[n-1]&0x80 != 0 {
		x |= ^uint64(0) << (8 * n) // sign-extend
	}
	u.push(int64(x))
	return nil
}

func (u *unpickler) put(i uint32) error {
	v, err := u.top()
	if err != nil {
		return err
	}
	u.memo[i] = v
	return nil
}

func (u *unpickler) get(i uint32) error {
	v, ok := u.memo[i]
	if !ok {
		return u.errf(errs.ErrCorrupt, "memo key %d was never stored", i)
	}
	u.push(v)
	return nil
}

func (u *unpickler) pushGlobal(g global, at int) error {
	if !allowGlobal(g) {
		return fmt.Errorf("offset %d: global %s is refused (a torch.save state dict names only OrderedDict, torch._utils rebuild functions, storage classes and dtypes): %w", at, strconv.Quote(g.String()), errs.ErrUnsupported)
	}
	u.push(g)
	return nil
}

func (u *unpickler) appendTo(items []value) error {
	v, err := u.top()
	if err != nil {
		return err
	}
	l, ok := v.(*list)
	if !ok {
		return u.errf(errs.ErrUnsupported, "APPEND to %s", typeName(v))
	}
	if len(l.items) == 0 {
		l.items = slices.Clone(items) // exactly its size
	} else {
		l.items = append(l.items, items...)
	}
	return nil
}

func (u *unpickler) setItems(items []value) error {
	if len(items)%2 != 0 {
		return u.errf(errs.ErrCorrupt, "SETITEMS with an odd number (%d) of values", len(items))
	}
	v, err := u.top()
	if err != nil {
		return err
	}
	d, ok := v.(*dict)
	if !ok {
		return u.errf(errs.ErrUnsupported, "SETITEM on %s", typeName(v))
	}
	for i := 0; i < len(items); i += 2 {
		if err := d.set(items[i], items[i+1]); err != nil {
			return u.errf(errs.ErrUnsupported, "%v", err)
		}
	}
	return nil
}

// persID resolves a BINPERSID: torch.save's persistent id of a storage is
// the tuple ("storage", storage class, key, location, numel).
func (u *unpickler) persID(at int) error {
	v, err := u.pop()
	if err != nil {
		return err
	}
	t, ok := v.(*tuple)
	if !ok || len(t.items) != 5 {
		return fmt.Errorf("offset %d: persistent id is %s, want a 5-tuple (\"storage\", class, key, location, numel): %w", at, describe(v), errs.ErrCorrupt)
	}
	if s, _ := t.items[0].(string); s != "storage" {
		return fmt.Errorf("offset %d: persistent id of kind %s, want \"storage\": %w", at, describe(t.items[0]), errs.ErrUnsupported)
	}
	g, ok := t.items[1].(global)
	var dt DType
	if ok && g.module == "torch" {
		dt, ok = storageTypes[g.name]
	}
	if !ok {
		return fmt.Errorf("offset %d: storage class %s is not one of torch's typed storages: %w", at, describe(t.items[1]), errs.ErrUnsupported)
	}
	key, ok1 := t.items[2].(string)
	loc, ok2 := t.items[3].(string)
	numel, ok3 := t.items[4].(int64)
	if !ok1 || !ok2 || !ok3 || numel < 0 || !validKey(key) {
		return fmt.Errorf("offset %d: persistent id (%s, %s, %s, %s): want a plain key, a location string and numel ≥ 0: %w",
			at, g, describe(t.items[2]), describe(t.items[3]), describe(t.items[4]), errs.ErrCorrupt)
	}
	if s, ok := u.storages[key]; ok {
		if s.dtype != dt || s.numel != numel {
			return fmt.Errorf("offset %d: storage %q named as %s[%d] and as %s[%d]: %w", at, key, s.dtype, s.numel, dt, numel, errs.ErrCorrupt)
		}
		u.push(s)
		return nil
	}
	s := &storageRef{key: key, dtype: dt, numel: numel, location: loc}
	u.storages[key] = s
	u.push(s)
	return nil
}

// validKey reports whether a storage key can name a record: torch uses
// decimal numbers; anything with a path separator or dots is refused.
func validKey(k string) bool {
	if k == "" || len(k) > 64 {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// reduce applies one of the accepted callables to its argument tuple.
func (u *unpickler) reduce(at int) error {
	a, err := u.pop()
	if err != nil {
		return err
	}
	f, err := u.pop()
	if err != nil {
		return err
	}
	args, ok := a.(*tuple)
	if !ok {
		return fmt.Errorf("offset %d: REDUCE arguments are %s, not a tuple: %w", at, typeName(a), errs.ErrCorrupt)
	}
	g, ok := f.(global)
	if !ok {
		return fmt.Errorf("offset %d: REDUCE calls %s: %w", at, describe(f), errs.ErrUnsupported)
	}
	switch g {
	case gOrderedDict:
		if len(args.items) != 0 {
			return fmt.Errorf("offset %d: OrderedDict called with %d arguments, torch.save passes none: %w", at, len(args.items), errs.ErrUnsupported)
		}
		d := &dict{}
		d.ordered = true
		u.push(d)
		return nil
	case gRebuildTensorV2, gRebuildTensor:
		t, err := rebuildTensor(g, args.items)
		if err != nil {
			return fmt.Errorf("offset %d: %s: %w", at, g, err)
		}
		u.push(t)
		return nil
	case gRebuildParameter, gRebuildParamWithSta:
		want := 3
		if g == gRebuildParamWithSta {
			want = 4
		}
		if len(args.items) != want {
			return fmt.Errorf("offset %d: %s with %d arguments, want %d: %w", at, g, len(args.items), want, errs.ErrCorrupt)
		}
		t, ok := args.items[0].(*tensorVal)
		if _, isBool := args.items[1].(bool); !ok || !isBool {
			return fmt.Errorf("offset %d: %s(%s, %s, ...): want a tensor and a bool: %w", at, g, describe(args.items[0]), describe(args.items[1]), errs.ErrCorrupt)
		}
		u.push(t)
		return nil
	}
	return fmt.Errorf("offset %d: %s is not callable here: %w", at, g, errs.ErrUnsupported)
}

// rebuildTensor checks the arguments of _rebuild_tensor_v2(storage,
// storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
// or of the older _rebuild_tensor(storage, storage_offset, size, stride).
// Their bounds against the storage are checked when the state dict is
// read, where the tensor's name is known.
func rebuildTensor(g global, a []value) (*tensorVal, error) {
	if g == gRebuildTensor && len(a) != 4 || g == gRebuildTensorV2 && len(a) != 6 && len(a) != 7 {
		return nil, fmt.Errorf("%d arguments: %w", len(a), errs.ErrCorrupt)
	}
	s, ok := a[0].(*storageRef)
	if !ok {
		return nil, fmt.Errorf("storage argument is %s: %w", describe(a[0]), errs.ErrCorrupt)
	}
	off, ok := a[1].(int64)
	if !ok || off < 0 {
		return nil, fmt.Errorf("storage_offset is %s: %w", describe(a[1]), errs.ErrCorrupt)
	}
	size, err := intTuple(a[2], "size")
	if err != nil {
		return nil, err
	}
	stride, err := intTuple(a[3], "stride")
	if err != nil {
		return nil, err
	}
	if len(size) != len(stride) {
		return nil, fmt.Errorf("size %v and stride %v differ in length: %w", size, stride, errs.ErrCorrupt)
	}
	if g == gRebuildTensorV2 {
		if _, ok := a[4].(bool); !ok {
			return nil, fmt.Errorf("requires_grad is %s: %w", describe(a[4]), errs.ErrCorrupt)
		}
		if d, ok := a[5].(*dict); !ok || d.len() != 0 {
			return nil, fmt.Errorf("backward_hooks is %s, want an empty OrderedDict: %w", describe(a[5]), errs.ErrUnsupported)
		}
		if len(a) == 7 {
			switch a[6].(type) {
			case nil, *dict:
			default:
				return nil, fmt.Errorf("metadata is %s: %w", describe(a[6]), errs.ErrCorrupt)
			}
		}
	}
	return &tensorVal{storage: s, offset: off, size: size, stride: stride}, nil
}

// maxDims bounds a tensor's number of dimensions (torch allows 64).
const maxDims = 64

func intTuple(v value, what string) ([]int64, error) {
	t, ok := v.(*tuple)
	if !ok {
		return nil, fmt.Errorf("%s is %s, not a tuple: %w", what, describe(v), errs.ErrCorrupt)
	}
	if len(t.items) > maxDims {
		return nil, fmt.Errorf("%s has %d dimensions, more than %d: %w", what, len(t.items), maxDims, errs.ErrCorrupt)
	}
	out := make([]int64, len(t.items))
	for i, x := range t.items {
		n, ok := x.(int64)
		if !ok || n < 0 {
			return nil, fmt.Errorf("%s[%d] is %s, want an integer ≥ 0: %w", what, i, describe(x), errs.ErrCorrupt)
		}
		out[i] = n
	}
	return out, nil
}

// build applies BUILD: only setting attributes on a dict (the state
// dict's _metadata) is accepted.
func (u *unpickler) build(at int) error {
	st, err := u.pop()
	if err != nil {
		return err
	}
	obj, err := u.top()
	if err != nil {
		return err
	}
	d, ok := obj.(*dict)
	sd, ok2 := st.(*dict)
	if !ok || !ok2 {
		return fmt.Errorf("offset %d: BUILD of %s with state %s: %w", at, typeName(obj), typeName(st), errs.ErrUnsupported)
	}
	if d.attrs == nil {
		d.attrs = &dict{}
	}
	for _, it := range sd.items {
		if err := d.attrs.set(it.k, it.v); err != nil {
			return fmt.Errorf("offset %d: BUILD: %v: %w", at, err, errs.ErrCorrupt)
		}
	}
	return nil
}

func typeName(v value) string {
	switch v.(type) {
	case nil:
		return "None"
	case bool:
		return "bool"
	case int64:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case []byte:
		return "bytes"
	case *tuple:
		return "tuple"
	case *list:
		return "list"
	case *dict:
		return "dict"
	case global:
		return "global"
	case *storageRef:
		return "storage"
	case *tensorVal:
		return "tensor"
	}
	return fmt.Sprintf("%T", v)
}

// describe gives a short description of v for error messages.
func describe(v value) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool, int64, float64:
		return fmt.Sprint(x)
	case string:
		if len(x) > 40 {
			x = x[:40] + "..."
		}
		return strconv.Quote(x)
	case global:
		return x.String()
	case *tuple:
		return fmt.Sprintf("a tuple of %d", len(x.items))
	}
	return typeName(v)
}
