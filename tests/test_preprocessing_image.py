"""``minikeras.preprocessing.image`` (keras_preprocessing 1.1.2 underneath): real PNG files,
real augmentation, iterators that ``fit`` accepts as Sequences."""
import os

import numpy as np
import pytest

pytest.importorskip('keras_preprocessing', reason='keras_preprocessing is not installed in '
                    'this lane (pip install "minikeras[image]")')
pytest.importorskip('PIL', reason='Pillow is not installed in this lane (minikeras[image])')
pytest.importorskip('scipy', reason='SciPy (affine transforms) is not installed in this lane')

# keras_preprocessing 1.1.2 calls scipy.ndimage.interpolation, deprecated in SciPy 1.x
pytestmark = pytest.mark.filterwarnings('ignore:Please import:DeprecationWarning')

import minikeras.backend as K  # noqa: E402
from minikeras.layers import Dense, Flatten  # noqa: E402
from minikeras.models import Sequential  # noqa: E402
from minikeras.preprocessing import image  # noqa: E402
from minikeras.utils import Sequence  # noqa: E402


def squares(n, size=12, seed=0):
    """Images with a bright square, class = whether it is in the left or right half."""
    rng = np.random.RandomState(seed)
    x = rng.randint(0, 40, (n, size, size, 3)).astype('float32')
    y = np.arange(n) % 2
    for i in range(n):
        c = 1 if y[i] == 0 else size // 2 + 1
        x[i, 3:8, c:c + 4, :] = 230
    return x, y


def test_image_file_round_trip(tmp_path):
    x, _ = squares(1)
    path = str(tmp_path / 'a.png')
    image.save_img(path, x[0], scale=False)
    img = image.load_img(path)
    assert img.size == (12, 12) and img.mode == 'RGB'
    arr = image.img_to_array(img)
    assert arr.dtype == np.dtype(K.floatx()) and arr.shape == (12, 12, 3)
    np.testing.assert_array_equal(arr, x[0])
    gray = image.img_to_array(image.load_img(path, color_mode='grayscale', target_size=(6, 6)))
    assert gray.shape == (6, 6, 1)
    back = image.array_to_img(arr, scale=False)
    np.testing.assert_array_equal(np.asarray(back), x[0].astype('uint8'))


def test_transforms_are_real():
    x, _ = squares(1)
    img = x[0]
    flipped = image.ImageDataGenerator().apply_transform(img, {'flip_horizontal': True})
    np.testing.assert_array_equal(flipped, img[:, ::-1])
    shifted = image.apply_affine_transform(img, tx=2, channel_axis=2, row_axis=0, col_axis=1,
                                           fill_mode='constant', order=0)
    np.testing.assert_array_equal(shifted[:-2], img[2:])   # output[r] = input[r + tx]
    rotated = image.random_rotation(img, 90, row_axis=0, col_axis=1, channel_axis=2)
    assert rotated.shape == img.shape and not np.array_equal(rotated, img)
    for fn, arg in ((image.random_shift, (0.2, 0.2)), (image.random_shear, (20,)),
                    (image.random_zoom, ((0.7, 1.3),))):
        out = fn(img, *arg, row_axis=0, col_axis=1, channel_axis=2)
        assert out.shape == img.shape
    bright = image.random_brightness(img, (1.5, 1.5))
    assert bright.mean() > img.mean()
    gen = image.ImageDataGenerator(rotation_range=30, zoom_range=0.2, horizontal_flip=True)
    params = gen.get_random_transform(img.shape, seed=3)
    assert set(['theta', 'zx', 'flip_horizontal']) <= set(params)
    np.testing.assert_allclose(gen.random_transform(img, seed=3),
                               gen.apply_transform(img, params))


def test_fit_standardize_and_flow_trains_a_model():
    x, y = squares(64)
    gen = image.ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True,
                                   width_shift_range=0.05)
    gen.fit(x)
    np.testing.assert_allclose(gen.mean.ravel(), x.mean(axis=(0, 1, 2)), rtol=1e-5)
    z = gen.standardize(x.copy())
    assert abs(z.mean()) < 0.05 and abs(z.std() - 1) < 0.05
    it = gen.flow(x, y, batch_size=16, seed=1)
    assert isinstance(it, Sequence) and len(it) == 4
    model = Sequential([Flatten(input_shape=(12, 12, 3)), Dense(1, activation='sigmoid')])
    model.compile('adam', 'binary_crossentropy', metrics=['accuracy'])
    history = model.fit(it, epochs=8, verbose=0)
    assert history.history['loss'][-1] < history.history['loss'][0]
    pred = model.predict(gen.standardize(x.copy()))
    assert ((pred[:, 0] > 0.5) == y).mean() > 0.8


def write_tree(root, x, y):
    paths = []
    for i, (img, label) in enumerate(zip(x, y)):
        folder = os.path.join(root, ['left', 'right'][label])
        if not os.path.isdir(folder):
            os.makedirs(folder)
        path = os.path.join(folder, 'img%02d.png' % i)
        image.save_img(path, img, scale=False)
        paths.append(path)
    return paths


def test_flow_from_directory_and_dataframe(tmp_path):
    x, y = squares(10)
    paths = write_tree(str(tmp_path), x, y)
    gen = image.ImageDataGenerator(rescale=1. / 255, validation_split=0.2)
    it = gen.flow_from_directory(str(tmp_path), target_size=(12, 12), batch_size=4,
                                 class_mode='binary', shuffle=False, subset='training')
    assert isinstance(it, Sequence)
    assert it.class_indices == {'left': 0, 'right': 1} and it.samples == 8
    bx, by = it[0]
    assert bx.shape == (4, 12, 12, 3) and bx.max() <= 1.0
    first = it.filepaths[0]
    np.testing.assert_allclose(bx[0], image.img_to_array(image.load_img(first)) / 255.,
                               rtol=1e-6)
    pd = pytest.importorskip('pandas', reason='pandas (flow_from_dataframe) not installed')
    df = pd.DataFrame({'filename': paths, 'class': [['left', 'right'][v] for v in y]})
    it = image.ImageDataGenerator().flow_from_dataframe(df, target_size=(12, 12), batch_size=5,
                                                         class_mode='sparse', shuffle=False)
    assert isinstance(it, image.DataFrameIterator) and isinstance(it, Sequence)
    bx, by = it[0]
    np.testing.assert_array_equal(by, y[:5])
    np.testing.assert_array_equal(bx, x[:5])
