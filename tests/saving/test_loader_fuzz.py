"""Seeded fuzzing of load_model and load_weights: every mutated file either loads with
exactly the saved weights or raises ModelFileError; no other exception, and a failed
load_weights leaves the model's weights as they were."""
import os
import shutil
import time

import h5py
import numpy as np

from minikeras.models import load_model
from minikeras.saving import ModelFileError
from tests.saving.fixtures import same_weights, small_model
from tests.saving.mutations import MUTATIONS

SEED = int(os.environ.get('MINIKERAS_FUZZ_SEED', '20261202'))   # other seeds: set it
ROUNDS = 20     # x 15 mutations x 2 file kinds = 600 loads


def _load_model_outcome(path, original):
    try:
        loaded = load_model(path)
    except ModelFileError:
        return 'error'
    assert same_weights(loaded, original), 'load_model gave different weights'
    with h5py.File(path, 'r') as f:
        has_training, has_state = 'training_config' in f.attrs, 'optimizer_weights' in f
    if loaded.optimizer is None:
        assert not has_training, 'training_config ignored'
        return 'clean'      # a file without training_config loads uncompiled, as in Keras
    if not has_state:
        return 'clean'      # compiled, with a fresh optimizer (as in Keras)
    opt_a = original.optimizer.get_weights()
    opt_b = loaded.optimizer.get_weights() if loaded.optimizer is not None else []
    assert len(opt_a) == len(opt_b) and all(np.array_equal(a, b) for a, b in zip(opt_a, opt_b)), \
        'load_model gave a different optimizer state'
    return 'clean'


def _load_weights_outcome(path, original, target):
    before = target.get_weights()
    try:
        target.load_weights(path)
    except ModelFileError:
        after = target.get_weights()
        assert all(np.array_equal(a, b) for a, b in zip(before, after)), 'partial load'
        return 'error'
    assert same_weights(target, original), 'load_weights gave different weights'
    target.set_weights(before)
    return 'clean'


def test_mutated_files_load_cleanly_or_raise_model_file_error(tmp_path):
    start = time.time()
    original = small_model(seed=0)
    target = small_model(seed=1, compiled=False)
    model_file, weights_file = str(tmp_path / 'model.h5'), str(tmp_path / 'weights.h5')
    original.save(model_file)
    original.save_weights(weights_file)
    rng = np.random.RandomState(SEED)
    outcomes, failures = {}, []
    for round_ in range(ROUNDS):
        for mutate in MUTATIONS:
            for kind, source in (('model', model_file), ('weights', weights_file)):
                scratch = str(tmp_path / ('s%d_%s_%s' % (round_, mutate.__name__, kind)))
                os.mkdir(scratch)
                path = os.path.join(scratch, 'file.h5')
                shutil.copyfile(source, path)
                try:
                    mutate(rng, path, scratch)
                except Exception:        # the mutation itself did not apply (e.g. the
                    continue             # attribute it picked was deleted): nothing to load
                try:
                    if kind == 'model':
                        outcome = _load_model_outcome(path, original)
                    else:
                        outcome = _load_weights_outcome(path, original, target)
                except AssertionError as e:
                    failures.append('%s/%s round %d: %s' % (mutate.__name__, kind, round_, e))
                    continue
                except Exception as e:
                    failures.append('%s/%s round %d: raw %s: %s'
                                    % (mutate.__name__, kind, round_, type(e).__name__, e))
                    continue
                key = (mutate.__name__, outcome)
                outcomes[key] = outcomes.get(key, 0) + 1
                shutil.rmtree(scratch)
    assert not failures, '\n'.join(failures[:20])
    print('outcomes:', sorted(outcomes.items()))
    total = sum(outcomes.values())
    assert total >= 300, outcomes
    # the mutations that must always be refused were refused every time
    for name in ('huge_shape', 'external_storage', 'external_link', 'virtual_dataset',
                 'soft_link'):
        assert (name, 'clean') not in outcomes, outcomes
    assert outcomes.get(('shuffle_weight_names', 'clean'), 0) == 2 * ROUNDS, outcomes
    assert time.time() - start < 60, 'fuzzing took %.0f s' % (time.time() - start)
