test_that("R arrays reach Python with the same indices, and come back unchanged", {
  x <- array(as.numeric(1:24), c(2, 3, 4))
  py <- as_numpy(x)
  expect_equal(py_value(py$shape), c(2L, 3L, 4L))
  expect_equal(py_value(reticulate::py_get_item(py, reticulate::tuple(1L, 2L, 3L))), x[2, 3, 4])
  expect_equal(py_value(py$flags$c_contiguous), TRUE)
  expect_equal(py_value(py$dtype$name), "float32")
  expect_identical(minikerasr:::py_to_r_array(py), x)
  ints <- matrix(1:6, 2)
  expect_identical(minikerasr:::py_to_r_array(as_numpy(ints)), ints)
  expect_equal(py_value(as_numpy(ints)$dtype$name), "int32")
})

test_that("array_reshape() is row-major, as numpy's reshape", {
  x <- array(1:24, c(2, 3, 4))
  r <- array_reshape(x, c(2, 12))
  expect_identical(r, minikerasr:::py_to_r_array(as_numpy(x)$reshape(2L, 12L)))
  expect_equal(r[2, 1:4], x[2, 1, ])                 # a row's last axis stays contiguous
  expect_equal(dim(array_reshape(x, c(-1, 4))), c(6L, 4L))
  expect_identical(array_reshape(r, c(2, 3, 4)), x)
  expect_minikerasr_error(array_reshape(x, c(5, 5)), "cannot reshape 24 values")
})

test_that("integer arguments take 32 and 32L, and refuse what is not a whole number", {
  expect_identical(py_value(layer_dense(units = 32)$units), 32L)
  expect_identical(py_value(layer_dense(units = 32L)$units), 32L)
  expect_minikerasr_error(layer_dense(units = 32.5), "`units` must be one whole number.*32.5")
  expect_minikerasr_error(layer_dense(units = "32"), "`units` must be one whole number")
  expect_minikerasr_error(layer_dense(units = c(1, 2)), "`units` must be one whole number")
  expect_minikerasr_error(layer_dense(units = NA), "`units` must be one whole number")
})

test_that("sizes become ints or tuples, shapes tuples with NA as None", {
  conv <- layer_conv_2d(filters = 2, kernel_size = 3)
  expect_equal(py_value(conv$kernel_size), c(3L, 3L))
  conv <- layer_conv_2d(filters = 2, kernel_size = c(3, 5), strides = c(1L, 2L))
  expect_equal(py_value(conv$kernel_size), c(3L, 5L))
  expect_equal(py_value(conv$strides), c(1L, 2L))
  model <- keras_model_sequential() %>% layer_dense(4, input_shape = 784)
  expect_equal(py_value(model$input_shape), list(NULL, 784L))
  model <- keras_model_sequential() %>% layer_lstm(3, input_shape = c(NA, 8))
  expect_equal(py_value(model$input_shape), list(NULL, NULL, 8L))
})

test_that("axes are 1-based in R (negative ones count from the end)", {
  expect_identical(py_value(layer_batch_normalization(axis = 2)$axis), 1L)
  expect_identical(py_value(layer_batch_normalization(axis = -1)$axis), -1L)
  expect_identical(py_value(layer_concatenate(axis = 1)$axis), 0L)
  model <- keras_model_sequential() %>% layer_dense(3, input_shape = 2) %>% layer_dense(1)
  expect_equal(py_value(get_layer(model, index = 1)$name), py_value(reticulate::py_get_item(model$layers, 0L)$name))
  expect_equal(py_value(get_layer(model, index = 2)$output_shape), list(NULL, 1L))
})
