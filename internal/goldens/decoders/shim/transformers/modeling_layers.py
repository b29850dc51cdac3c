"""GradientCheckpointingLayer (a plain nn.Module when not training) and the
generic task-head base classes (names only)."""
import torch.nn as nn


class GradientCheckpointingLayer(nn.Module):
    pass


class GenericForSequenceClassification:
    pass


class GenericForTokenClassification:
    pass


class GenericForQuestionAnswering:
    pass
