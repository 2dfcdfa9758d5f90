"""Wrappers for other libraries' APIs (Keras 2 ``keras.wrappers``)."""
