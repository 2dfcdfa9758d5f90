"""Keras 2.3.1 script (run unchanged by tests/test_keras231_scripts.py)."""
import numpy as np

from k2report import attempt, fix_weights, history_values, report  # noqa: F401
import keras
from keras import metrics, losses
from keras import backend as K
from keras.models import Sequential
from keras.layers import Dense


yt = np.array([[0, 1], [1, 0], [1, 0], [0, 1]], 'float32')
yp = np.array([[0.3, 0.7], [0.6, 0.4], [0.2, 0.8], [0.5, 0.5]], 'float32')
# standalone metric objects (AUC, Precision, Recall and the confusion counts are checked
# through compile below: Keras 2.3.1 on TensorFlow 2 does not run their updates outside
# a function)
for cls in [metrics.CategoricalAccuracy, metrics.MeanSquaredError, metrics.BinaryAccuracy,
            metrics.CategoricalCrossentropy, metrics.KLDivergence, metrics.CosineSimilarity,
            metrics.RootMeanSquaredError, metrics.LogCoshError, metrics.Poisson]:
    m = cls()
    m.update_state(yt[:2], yp[:2])
    m.update_state(yt[2:], yp[2:])
    report(cls.__name__, [round(float(K.eval(m.result())), 4), m.name])
mean = metrics.Mean()
mean.update_state([1., 2., 3.]); mean.update_state([10.], sample_weight=[2.])
report('Mean', round(float(K.eval(mean.result())), 4))
iou = metrics.MeanIoU(num_classes=2)
iou.update_state([0, 1, 1, 0], [0, 1, 0, 0])
report('MeanIoU', round(float(K.eval(iou.result())), 4))
topk = metrics.TopKCategoricalAccuracy(k=1)
topk.update_state(yt, yp)
report('TopK', round(float(K.eval(topk.result())), 4))
for fn in ['binary_accuracy', 'categorical_accuracy', 'mean_squared_error', 'mean_absolute_percentage_error',
           'cosine_proximity', 'top_k_categorical_accuracy', 'sparse_top_k_categorical_accuracy']:
    f = metrics.get(fn)
    if fn.startswith('sparse'):
        v = f(K.variable(np.array([[1.], [0.], [0.], [1.]])), K.variable(yp))
    else:
        v = f(K.variable(yt), K.variable(yp))
    report('fn_' + fn, np.round(K.eval(v), 4))
for fn in ['categorical_hinge', 'logcosh', 'huber_loss', 'kullback_leibler_divergence',
           'mean_squared_logarithmic_error', 'cosine_similarity']:
    report('loss_' + fn, np.round(K.eval(losses.get(fn)(K.variable(yt), K.variable(yp))), 4))
model = Sequential([Dense(2, activation='softmax', input_shape=(2,), kernel_initializer='ones')])
model.compile('sgd', 'categorical_crossentropy',
              metrics=['accuracy', metrics.AUC(name='auc'), metrics.Precision(),
                       metrics.Recall(name='rec'), metrics.FalseNegatives(name='fn')])
report('metrics_names_before', model.metrics_names)
h = model.fit(yp, yt, epochs=2, batch_size=2, verbose=0, shuffle=False)
report('compiled_metric_history', {k: [round(float(v), 4) for v in h.history[k]] for k in sorted(h.history)})
report('metrics_names_after', model.metrics_names)
report('evaluate', np.round(model.evaluate(yp, yt, batch_size=2, verbose=0), 4))
mb = Sequential([Dense(1, activation='sigmoid', input_shape=(2,), kernel_initializer='ones')])
mb.compile('sgd', 'binary_crossentropy', metrics=['accuracy', 'binary_crossentropy'])
h = mb.fit(yp, yt[:, :1], epochs=1, batch_size=4, verbose=0)
report('binary_acc_names', sorted(h.history))
ms = Sequential([Dense(2, activation='softmax', input_shape=(2,), kernel_initializer='ones')])
ms.compile('sgd', 'sparse_categorical_crossentropy', metrics=['accuracy'])
h = ms.fit(yp, np.array([1, 0, 0, 1]), epochs=1, batch_size=4, verbose=0)
report('sparse_acc', {k: [round(float(v), 4) for v in h.history[k]] for k in sorted(h.history)})
