"""CNTK: map_fn / foldl / foldr unrolled over the static leading axis (through ``rnn``);
print_tensor prints when the value is computed (a user function)."""
from minikeras.backend.loops import (  # noqa: F401  (contract ops written once)
    control_dependencies, foldl, foldr, is_sparse, map_fn, size, to_dense)
from minikeras.backend.cntk.core import C, CntkTensor, _to_tensor


class _Print(C.ops.functions.UserFunction):
    def __init__(self, arg, message, name='print_tensor'):
        super(_Print, self).__init__([arg], name=name)
        self.message = message

    def forward(self, argument, device=None, outputs_to_retain=None):
        print('%s %s' % (self.message, argument))
        return None, argument

    def backward(self, state, root_gradients):
        return root_gradients

    def infer_outputs(self):
        arg = self.inputs[0]
        return [C.output_variable(arg.shape, arg.dtype, arg.dynamic_axes)]

    def clone(self, cloned_inputs):
        return _Print(cloned_inputs[0], self.message)


def print_tensor(x, message=''):
    x = _to_tensor(x)
    return CntkTensor(C.user_function(_Print(x.node, message)), x.dtype, x._keras_shape)
