test_that("dataset_mnist() gives integer arrays with Python's indices", {
  mnist <- dataset_mnist()
  expect_true(is.integer(mnist$train$x) && is.integer(mnist$train$y))
  n <- nrow(mnist$train$x)
  expect_equal(dim(mnist$train$x), c(n, 28L, 28L))
  expect_equal(length(mnist$train$y), n)
  expect_equal(dim(mnist$test$x)[-1], c(28L, 28L))
  expect_setequal(unique(mnist$test$y), 0:9)
  expect_true(all(mnist$train$x >= 0L & mnist$train$x <= 255L))
  # the same pixel as Python's x_train[0, 9, 14], and flattened the same way as reshape
  py_train <- reticulate::py_get_item(reticulate::py_get_item(mk$datasets$mnist$load_data(), 0L), 0L)
  expect_equal(py_value(reticulate::py_get_item(py_train, reticulate::tuple(0L, 9L, 14L))),
               mnist$train$x[1, 10, 15])
  flat <- array_reshape(mnist$train$x[1:2, , ], c(2, 784))
  expect_equal(flat[1, 9 * 28 + 15], mnist$train$x[1, 10, 15])
  expect_identical(flat, minikerasr:::py_to_r_array(
    reticulate::py_get_item(py_train, reticulate::import_builtins(convert = FALSE)$slice(0L, 2L))$reshape(2L, 784L)))
})

test_that("to_categorical() one-hot encodes 0-based labels", {
  m <- to_categorical(c(0, 2, 1, 2))
  expect_equal(m, rbind(c(1, 0, 0), c(0, 0, 1), c(0, 1, 0), c(0, 0, 1)))
  expect_equal(dim(to_categorical(0:1, num_classes = 10L)), c(2L, 10L))
  expect_minikerasr_error(to_categorical(c(1, 10), 10), "label 10 is out of range.*0 .. 9")
  expect_minikerasr_error(to_categorical(c(-1, 1)), "class labels start at 0")
  expect_minikerasr_error(to_categorical(c("a", "b")), "integer class labels")
})
