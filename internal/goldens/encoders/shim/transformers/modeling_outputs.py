"""Model output containers: attribute and key access to the fields given,
None for the others, tuple-like indexing in field order (as
transformers.utils.ModelOutput)."""

from collections import OrderedDict


class ModelOutput(OrderedDict):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{k: v for k, v in kwargs.items() if v is not None})

    def __getattr__(self, name):
        return self.get(name)

    def __getitem__(self, k):
        if isinstance(k, str):
            return super().__getitem__(k)
        return tuple(self.values())[k]

    def to_tuple(self):
        return tuple(self.values())


class BaseModelOutput(ModelOutput): pass
class BaseModelOutputWithPast(ModelOutput): pass
class BaseModelOutputWithPooling(ModelOutput): pass
class BaseModelOutputWithPoolingAndCrossAttentions(ModelOutput): pass
class BaseModelOutputWithPastAndCrossAttentions(ModelOutput): pass
class MaskedLMOutput(ModelOutput): pass
class SequenceClassifierOutput(ModelOutput): pass
class MultipleChoiceModelOutput(ModelOutput): pass
class QuestionAnsweringModelOutput(ModelOutput): pass
class TokenClassifierOutput(ModelOutput): pass
class CausalLMOutputWithCrossAttentions(ModelOutput): pass
class NextSentencePredictorOutput(ModelOutput): pass
