"""Names the Jina XLM-RoBERTa flash implementation imports from
transformers' XLM-RoBERTa: the masked-LM head (only its ForMaskedLM class
uses it) and the absolute position ids (only its absolute-position
embeddings use them); gen.py runs neither."""


class XLMRobertaLMHead:
    def __init__(self, *_a, **_k):
        raise NotImplementedError("ganada shim: the masked-LM head is not used")


def create_position_ids_from_input_ids(*_a, **_k):
    raise NotImplementedError("ganada shim: absolute positions are not used")
