// Command ganada indexes, searches and embeds text from the shell, with the
// embedded English model (offline, the default), any local or Hugging Face
// model, or a hosted embedding API:
//
//	ganada index [-model M | -api P:M] [-o col.ganada] [-chunk N] PATH...   text, Markdown and JSONL files, folders recursively
//	ganada query [-model M | -api P:M] [-k 10] [-where key=value]... [-json] col.ganada "text"
//	ganada embed [-model M | -api P:M] [-query] [-format npy] < texts.txt > vectors.jsonl
//	ganada models [-json]                                   the Hugging Face cache's models and whether they load
//	ganada eval [-model M | -api P:M]                       STS-B and KorSTS Spearman of the encoder
//
// -model takes a Hugging Face hub id (sentence-transformers/all-MiniLM-L6-v2),
// a model folder or a word-vector file; empty for the embedded GloVe model.
// -api takes provider:model, the provider one of openai, azure-openai
// (needs -base-url and -deployment), openai-compatible (needs -base-url
// and -dim), cohere, voyage, jina, upstage (upstage:QUERY+PASSAGE or
// upstage:), gemini and ollama; the key comes from the provider's usual
// environment variable (OPENAI_API_KEY, CO_API_KEY, ...). -cache FILE keeps
// every vector in an embedding cache file, so that re-running never
// encodes (or pays for) the same text twice.
//
// Errors are one line on standard error and a non-zero exit status (2 for
// a usage error); -h on any subcommand describes it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

const topUsage = `usage: ganada <command> [flags] [arguments]

commands:
  index   encode files into a collection file
  query   search a collection file
  embed   encode standard input's lines to JSON vectors
  models  list the Hugging Face cache's models and whether ganada loads them
  eval    STS scores (English STS-B, KorSTS) of the encoder

"ganada <command> -h" describes a command.
`

// run runs the command line args and returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, topUsage)
		return 2
	}
	var err error
	switch args[0] {
	case "index":
		err = cmdIndex(ctx, args[1:], stdout, stderr)
	case "query":
		err = cmdQuery(ctx, args[1:], stdout, stderr)
	case "embed":
		err = cmdEmbed(ctx, args[1:], stdin, stdout, stderr)
	case "models":
		err = cmdModels(ctx, args[1:], stdout, stderr)
	case "eval":
		err = cmdEval(ctx, args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, topUsage)
		return 0
	default:
		fmt.Fprintf(stderr, "ganada: unknown command %q\n%s", args[0], topUsage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	}
	var ue *usageError
	fmt.Fprintln(stderr, "ganada:", strings.TrimPrefix(oneLine(err.Error()), "ganada: "))
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// oneLine joins a message's lines.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// flags is a subcommand's flag set with its usage text.
type flags struct {
	*flag.FlagSet
	usage  string
	stderr io.Writer
}

// newFlags returns a subcommand's flag set. Errors are reported by run,
// on one line; only -h prints the usage.
func newFlags(name, usage string, stderr io.Writer) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flags{fs, usage, stderr}
}

// parse parses args, letting flags come after the positional arguments
// too ("ganada query col.ganada text -k 3"); "--" ends the flags. -h
// prints the usage and returns flag.ErrHelp.
func (fs *flags) parse(args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(fs.stderr, fs.usage)
				fs.SetOutput(fs.stderr)
				fs.PrintDefaults()
				return nil, err
			}
			return nil, &usageError{fs.Name() + ": " + err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
