"""Text preprocessing (Keras 2 ``keras.preprocessing.text``), delegated to
``keras_preprocessing`` 1.1.2 exactly as Keras 2.3.1 did
(``pip install "minikeras[text]"``)."""
from minikeras.preprocessing._delegate import kp

kp('text', 'text')  # an ImportError with the install hint when missing

from keras_preprocessing.text import (  # noqa: E402,F401  (Keras 2.3.1's re-exports)
    Tokenizer, hashing_trick, one_hot, text_to_word_sequence, tokenizer_from_json)
