"""The one exception a damaged or unusable model/weights file raises."""


class ModelFileError(OSError, ValueError):
    """A model or weights file that cannot be loaded: missing or truncated, not HDF5, a
    missing group/dataset/attribute, non-JSON configs, an unknown layout version, datasets
    whose dtype or shape does not fit the model, external storage, virtual datasets or
    links. The message names the file, the part that is wrong and what was expected.

    It is both an ``OSError`` and a ``ValueError`` (what Keras users already catch), and
    it is raised before any weight of the model is changed."""

    def __init__(self, message):
        super(ModelFileError, self).__init__(message)

    def __str__(self):
        return str(self.args[0]) if self.args else ''
