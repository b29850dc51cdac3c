// This file loads Model2Vec folders. (Filled in once embed/tokenizer and
// embed/safetensors exist.)

package static

import "fmt"

// LoadModel2Vec loads a Model2Vec folder.
func LoadModel2Vec(dir string, opts ...Option) (*Model, error) {
	return nil, fmt.Errorf("static: %s: Model2Vec loading is not available yet", dir)
}
