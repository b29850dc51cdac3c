// commands.go holds the subcommands: index (files into a collection
// file, skipping what is unchanged), query (search a collection file) and
// embed (lines to JSON vectors).

package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/chunk"
	"github.com/ganada/ganada/embed"
)

const (
	// maxFile bounds a text or Markdown file, maxLine a JSONL or stdin line.
	maxFile = 16 << 20
	maxLine = 16 << 20
	// hashKey is the metadata key of a document's content hash, by which a
	// re-run skips unchanged documents.
	hashKey = "ganada.hash"
	// batch is how many documents are added (and reported) at a time: one
	// Encode call of the Collection, so that an interrupted run loses at
	// most the batch in flight.
	batch = ganada.DefaultBatchSize
)

const indexUsage = `usage: ganada index [-model M | -api provider:model] [-o col.ganada] [-lexical] [-cache FILE] PATH...

Encodes text (.txt), Markdown (.md) and JSON Lines (.jsonl: one document a
line, with "id", "text" and metadata fields) files, and folders of them
recursively, into the collection file -o. A text or Markdown file is one
document whose ID is its path. With -chunk N, documents are split into
chunks of at most N words (package chunk: cut at paragraph, sentence,
clause or word ends) by the Collection's WithChunking: a document of
several chunks is indexed as ID#0, ID#1, ... with the metadata
ganada.parent, ganada.start and ganada.end (byte offsets), one of a
single chunk whole. If -o exists, its documents are kept and those whose
content is unchanged are not encoded again (the model must be the one it
was built with); a document indexed again replaces all its chunks.
Chunks written by earlier versions of this command (metadata parent,
start, end) are renamed to the ganada.* keys without encoding.

`

func cmdIndex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("index", indexUsage, stderr)
	var mf modelFlags
	mf.register(fs)
	out := fs.String("o", "col.ganada", "the collection file to write (updated if it exists)")
	exact := fs.Bool("exact", false, "use the exact (flat) index instead of HNSW")
	lex := fs.Bool("lexical", false, "keep a BM25 index too, for query -search lexical or hybrid (a new collection only)")
	chunkWords := fs.Int("chunk", 0, "split documents into chunks of at most this many words (0: one document each)")
	overlap := fs.Int("overlap", -1, "words consecutive chunks share (default a tenth of -chunk)")
	paths, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return &usageError{"index: no PATH given"}
	}
	docs, err := collect(paths)
	if err != nil {
		return err
	}
	var splitter *chunk.Splitter
	if *chunkWords > 0 {
		var opts []chunk.Option
		if *overlap >= 0 {
			opts = append(opts, chunk.WithOverlap(*overlap))
		}
		if splitter, err = chunk.New(chunk.Words, *chunkWords, opts...); err != nil {
			return &usageError{"index: -chunk/-overlap: " + err.Error()}
		}
	} else if *overlap >= 0 {
		return &usageError{"index: -overlap needs -chunk"}
	}
	enc, err := mf.load(ctx)
	if err != nil {
		return err
	}
	defer enc.close()
	denc := enc
	var copts []ganada.Option
	if splitter != nil {
		copts = append(copts, ganada.WithChunking(splitter))
	}
	var col *ganada.Collection
	if _, statErr := os.Stat(*out); statErr == nil {
		col, err = ganada.Load(ctx, *out, denc, copts...)
		if err != nil {
			return fmt.Errorf("%s: %w (index with the model it was built with, or choose another -o)", *out, err)
		}
		if err := migrateChunks(ctx, col); err != nil {
			return fmt.Errorf("%s: %w", *out, err)
		}
	} else {
		if *exact {
			copts = append(copts, ganada.WithFlat())
		}
		if *lex {
			copts = append(copts, ganada.WithLexical())
		}
		col, err = ganada.NewCollection(denc, copts...)
		if err != nil {
			return err
		}
	}
	var todo []ganada.Document
	var stale []string
	unchanged := 0
	for _, d := range docs {
		old, ok := col.Get(d.ID)
		if !ok {
			old, ok = col.Get(chunkID(d.ID, 0))
			ok = ok && old.Metadata[ganada.MetaParent] == d.ID
		}
		if ok && old.Metadata[hashKey] == d.Metadata[hashKey] {
			unchanged++
			continue
		}
		todo = append(todo, d)
		// Without -chunk, the Collection does not know that the chunks
		// of an earlier run belong to d: Delete(d.ID) removes them.
		if splitter == nil && col.Contains(chunkID(d.ID, 0)) && !col.Contains(d.ID) {
			if c0, _ := col.Get(chunkID(d.ID, 0)); c0.Metadata[ganada.MetaParent] == d.ID {
				stale = append(stale, d.ID)
			}
		}
	}
	if len(stale) > 0 {
		if err := col.Delete(ctx, stale...); err != nil {
			return err
		}
	}
	prog := newProgress(stderr, len(todo))
	for i := 0; i < len(todo); i += batch {
		j := min(i+batch, len(todo))
		if err := col.Add(ctx, todo[i:j]...); err != nil {
			prog.done()
			if ctx.Err() == nil {
				return err
			}
			// Interrupted: keep what was encoded, so that a re-run
			// continues where this one stopped.
			if serr := col.Save(context.WithoutCancel(ctx), *out); serr != nil {
				return fmt.Errorf("%w (and saving the %d documents indexed so far: %v)", err, col.Len(), serr)
			}
			return fmt.Errorf("saved %s with the %d documents indexed so far; run again to continue: %w", *out, col.Len(), err)
		}
		prog.update(j)
	}
	prog.done()
	if err := col.Save(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d documents (%d encoded, %d unchanged)\n", *out, col.Len(), len(todo), unchanged)
	return nil
}

// chunkID is the ID of a document's k-th chunk, as WithChunking names it.
func chunkID(id string, k int) string { return id + "#" + strconv.Itoa(k) }

// The metadata keys of the chunks written by the index command before it
// used the Collection's WithChunking.
const (
	oldParent = "parent"
	oldStart  = "start"
	oldEnd    = "end"
)

// migrateChunks renames the metadata of chunks written by earlier
// versions of the index command (ID#k with parent, start and end, and a
// content hash) to WithChunking's (ganada.MetaParent, MetaStart, MetaEnd),
// without encoding anything, so that the Collection replaces and deletes
// them with their document and Hit.Parent and Hit.Offsets read them.
// Those earlier versions stored a document of one chunk as ID#0; it stays
// so until the document changes.
func migrateChunks(ctx context.Context, col *ganada.Collection) error {
	for _, id := range col.IDs() {
		d, ok := col.Get(id)
		if !ok {
			continue
		}
		md := d.Metadata
		parent, hasParent := md[oldParent]
		if !hasParent || md[hashKey] == "" || md[ganada.MetaParent] != "" {
			continue
		}
		k, ok := strings.CutPrefix(id, parent+"#")
		if !ok {
			continue
		}
		_, errK := strconv.ParseUint(k, 10, 32)
		_, errS := strconv.ParseUint(md[oldStart], 10, 63)
		_, errE := strconv.ParseUint(md[oldEnd], 10, 63)
		if errK != nil || errS != nil || errE != nil {
			continue
		}
		nm := maps.Clone(md)
		delete(nm, oldParent)
		delete(nm, oldStart)
		delete(nm, oldEnd)
		nm[ganada.MetaParent], nm[ganada.MetaStart], nm[ganada.MetaEnd] = parent, md[oldStart], md[oldEnd]
		if err := col.SetMetadata(ctx, id, nm); err != nil {
			return fmt.Errorf("renaming the chunk metadata of %q: %w", id, err)
		}
	}
	return nil
}

// collect reads the documents of paths.
func collect(paths []string) ([]ganada.Document, error) {
	var docs []ganada.Document
	for _, root := range paths {
		fi, err := os.Stat(root)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			d, err := readFile(root)
			if err != nil {
				return nil, err
			}
			docs = append(docs, d...)
			continue
		}
		err = filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() {
				if path != root && strings.HasPrefix(e.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".txt", ".md", ".markdown", ".jsonl":
			default:
				return nil
			}
			if !e.Type().IsRegular() {
				return nil
			}
			d, err := readFile(path)
			docs = append(docs, d...)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return docs, nil
}

// readFile reads one file's documents.
func readFile(path string) ([]ganada.Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	id := filepath.ToSlash(path)
	if strings.ToLower(filepath.Ext(path)) == ".jsonl" {
		return readJSONL(f, id)
	}
	if fi.Size() > maxFile {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d a text file may have", path, fi.Size(), maxFile)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxFile {
		return nil, fmt.Errorf("%s: more than %d bytes", path, maxFile)
	}
	if !utf8.Valid(b) {
		return nil, fmt.Errorf("%s: not UTF-8 text", path)
	}
	d := ganada.Document{ID: id, Text: string(b), Metadata: map[string]string{"path": id}}
	d.Metadata[hashKey] = docHash(d)
	return []ganada.Document{d}, nil
}

// readJSONL reads one document a line: "id" (a string or a number) and
// "text" (a string) are required; the other fields become metadata
// (strings as they are, other values as JSON).
func readJSONL(r io.Reader, name string) ([]ganada.Document, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	var docs []ganada.Document
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &fields); err != nil {
			return nil, fmt.Errorf("%s:%d: not a JSON object: %v", name, n, err)
		}
		var d ganada.Document
		rawID, ok := fields["id"]
		if !ok {
			return nil, fmt.Errorf("%s:%d: no \"id\"", name, n)
		}
		if json.Unmarshal(rawID, &d.ID) != nil {
			var num json.Number
			if json.Unmarshal(rawID, &num) != nil {
				return nil, fmt.Errorf("%s:%d: \"id\" is neither a string nor a number", name, n)
			}
			d.ID = num.String()
		}
		if json.Unmarshal(fields["text"], &d.Text) != nil {
			return nil, fmt.Errorf("%s:%d: \"text\" is missing or not a string", name, n)
		}
		d.Metadata = map[string]string{"path": name}
		for k, v := range fields {
			if k == "id" || k == "text" {
				continue
			}
			var s string
			if json.Unmarshal(v, &s) != nil {
				s = string(v)
			}
			d.Metadata[k] = s
		}
		d.Metadata[hashKey] = docHash(d)
		docs = append(docs, d)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return docs, nil
}

// docHash hashes a document's text and metadata.
func docHash(d ganada.Document) string {
	h := sha256.New()
	fmt.Fprintf(h, "%d:%s", len(d.Text), d.Text)
	keys := make([]string, 0, len(d.Metadata))
	for k := range d.Metadata {
		if k != hashKey {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(h, "%d:%s%d:%s", len(k), k, len(d.Metadata[k]), d.Metadata[k])
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// progress reports indexing on stderr: one updated line on a terminal,
// plain lines otherwise.
type progress struct {
	w     io.Writer
	total int
	tty   bool
	shown bool
}

func newProgress(w io.Writer, total int) *progress {
	p := &progress{w: w, total: total}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) update(done int) {
	if p.total == 0 {
		return
	}
	if p.tty {
		width := 30
		fill := width * done / p.total
		fmt.Fprintf(p.w, "\r[%s%s] %d/%d", strings.Repeat("#", fill), strings.Repeat(" ", width-fill), done, p.total)
	} else {
		fmt.Fprintf(p.w, "encoded %d/%d\n", done, p.total)
	}
	p.shown = true
}

func (p *progress) done() {
	if p.tty && p.shown {
		fmt.Fprintln(p.w)
	}
}

const queryUsage = `usage: ganada query [-model M | -api provider:model] [-k 10] [-where key=value]... [-search dense|lexical|hybrid] [-json] col.ganada "text"

Searches the collection file for the text's nearest documents, with the
model the collection was built with. -where keeps documents whose metadata
key has the value (several -where must all hold).

`

// wheres is the repeatable -where flag.
type wheres []ganada.Filter

func (w *wheres) String() string { return "" }
func (w *wheres) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("want key=value")
	}
	*w = append(*w, ganada.Where(k, v))
	return nil
}

func cmdQuery(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("query", queryUsage, stderr)
	var mf modelFlags
	mf.register(fs)
	k := fs.Int("k", 10, "how many hits")
	asJSON := fs.Bool("json", false, "print the hits as JSON")
	exact := fs.Bool("exact", false, "search exactly (every document scored)")
	search := fs.String("search", "dense", "dense, lexical (BM25) or hybrid (RRF of both); the last two need a collection indexed with -lexical")
	var where wheres
	fs.Var(&where, "where", "keep documents whose metadata key=value (repeatable)")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return &usageError{"query: want a collection file and a text"}
	}
	if *k < 1 {
		return &usageError{fmt.Sprintf("query: -k %d: want at least 1", *k)}
	}
	path, text := pos[0], strings.Join(pos[1:], " ")
	enc, err := mf.load(ctx)
	if err != nil {
		return err
	}
	defer enc.close()
	col, err := ganada.Load(ctx, path, enc)
	if err != nil {
		return err
	}
	var opts []ganada.QueryOption
	switch *search {
	case "dense":
	case "lexical":
		opts = append(opts, ganada.WithLexicalOnly())
	case "hybrid":
		opts = append(opts, ganada.WithHybrid(ganada.RRF(ganada.DefaultRRFK)))
	default:
		return &usageError{fmt.Sprintf("query: -search %q: want dense, lexical or hybrid", *search)}
	}
	if len(where) > 0 {
		opts = append(opts, ganada.WithFilter(ganada.And(where...)))
	}
	if *exact {
		opts = append(opts, ganada.WithExactSearch())
	}
	hits, err := col.Query(ctx, text, *k, opts...)
	if err != nil {
		return err
	}
	for i := range hits {
		delete(hits[i].Metadata, hashKey)
	}
	if *asJSON {
		type hit struct {
			ID       string            `json:"id"`
			Score    float32           `json:"score"`
			Text     string            `json:"text"`
			Metadata map[string]string `json:"metadata,omitempty"`
		}
		out := make([]hit, len(hits))
		for i, h := range hits {
			out[i] = hit{h.ID, h.Score, h.Text, h.Metadata}
		}
		e := json.NewEncoder(stdout)
		e.SetIndent("", "  ")
		return e.Encode(out)
	}
	for i, h := range hits {
		fmt.Fprintf(stdout, "%2d. %.4f  %s\n    %s\n", i+1, h.Score, h.ID, snippet(h.Text, 160))
	}
	return nil
}

// snippet is text on one line, cut to about n bytes at a rune boundary.
func snippet(text string, n int) string {
	s := strings.Join(strings.Fields(text), " ")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

const embedUsage = `usage: ganada embed [-model M | -api provider:model] [-query | -documents] [-text] < texts.txt > vectors.jsonl

Encodes each line of standard input and writes its vector as a JSON array
on a line of standard output (with -text, an object {"text", "embedding"};
with -format npy, one NumPy .npy float32 array of shape (lines, dim)).
-query and -documents encode the lines as search queries or as documents,
for models that tell them apart.

`

func cmdEmbed(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("embed", embedUsage, stderr)
	var mf modelFlags
	mf.register(fs)
	asQuery := fs.Bool("query", false, "encode the lines as search queries")
	asDocs := fs.Bool("documents", false, "encode the lines as documents")
	withText := fs.Bool("text", false, `write {"text": ..., "embedding": [...]} objects`)
	format := fs.String("format", "jsonl", "jsonl (a JSON array a line) or npy (one NumPy float32 array of shape (lines, dim))")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("embed: unexpected argument %q (the texts come on standard input)", pos[0])}
	}
	if *asQuery && *asDocs {
		return &usageError{"embed: -query and -documents exclude each other"}
	}
	if *format != "jsonl" && *format != "npy" {
		return &usageError{fmt.Sprintf("embed: -format %q: want jsonl or npy", *format)}
	}
	if *format == "npy" && *withText {
		return &usageError{"embed: -text needs -format jsonl"}
	}
	enc, err := mf.load(ctx)
	if err != nil {
		return err
	}
	defer enc.close()
	encode := enc.Encode
	if *asQuery {
		encode = func(ctx context.Context, t []string) ([][]float32, error) { return embed.EncodeQueries(ctx, enc, t) }
	} else if *asDocs {
		encode = func(ctx context.Context, t []string) ([][]float32, error) { return embed.EncodeDocuments(ctx, enc, t) }
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	var lines []string
	var all [][]float32 // for npy, which needs the count first
	n := 0
	flush := func() error {
		if len(lines) == 0 {
			return nil
		}
		vecs, err := encode(ctx, lines)
		if err != nil {
			return fmt.Errorf("lines %d–%d: %w", n-len(lines)+1, n, err)
		}
		if *format == "npy" {
			all = append(all, vecs...)
			lines = lines[:0]
			return nil
		}
		for i, v := range vecs {
			var b []byte
			if *withText {
				b, err = json.Marshal(struct {
					Text      string    `json:"text"`
					Embedding []float32 `json:"embedding"`
				}{lines[i], v})
			} else {
				b, err = json.Marshal(v)
			}
			if err != nil {
				return err
			}
			w.Write(b)
			w.WriteByte('\n')
		}
		lines = lines[:0]
		return nil
	}
	for sc.Scan() {
		n++
		lines = append(lines, strings.TrimSuffix(sc.Text(), "\r"))
		if len(lines) == batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("line %d: longer than %d bytes", n+1, maxLine)
		}
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	if *format == "npy" {
		writeNPY(w, all, enc.Dim())
	}
	return w.Flush()
}

// writeNPY writes vecs as a NumPy .npy file (format version 1.0): a
// little-endian float32 array of shape (len(vecs), dim), C order.
func writeNPY(w *bufio.Writer, vecs [][]float32, dim int) {
	header := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", len(vecs), dim)
	// magic(6) + version(2) + length(2) + header + '\n', padded to 64.
	pad := 63 - (10+len(header))%64
	header += strings.Repeat(" ", pad) + "\n"
	w.WriteString("\x93NUMPY\x01\x00")
	w.WriteByte(byte(len(header)))
	w.WriteByte(byte(len(header) >> 8))
	w.WriteString(header)
	var b [4]byte
	for _, v := range vecs {
		for _, x := range v {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(x))
			w.Write(b[:])
		}
	}
}
