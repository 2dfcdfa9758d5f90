"""Text preprocessing (Keras 2 ``keras.preprocessing.text``), delegated to
``keras_preprocessing`` 1.1.2 exactly as Keras 2.3.1 did
(``pip install "minikeras[text]"``)."""
from minikeras.preprocessing._delegate import kp

_text = kp('text', 'text')

text_to_word_sequence = _text.text_to_word_sequence
one_hot = _text.one_hot
hashing_trick = _text.hashing_trick
Tokenizer = _text.Tokenizer
tokenizer_from_json = _text.tokenizer_from_json
