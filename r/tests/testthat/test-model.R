small_model <- function() {
  keras_model_sequential() %>%
    layer_dense(units = 16, activation = "relu", input_shape = 4) %>%
    layer_dense(units = 1, activation = "sigmoid")
}

test_that("compile, fit, evaluate, predict learn a two-class problem", {
  data <- two_class_data()
  model <- small_model()
  expect_identical(model %>% compile(optimizer = optimizer_adam(lr = 0.05),
                                     loss = "binary_crossentropy", metrics = "accuracy"),
                   model)
  history <- model %>% fit(data$x, data$y, epochs = 30, batch_size = 32L, verbose = 0,
                           validation_split = 0.2)
  expect_s3_class(history, "keras_training_history")
  expect_equal(names(history$metrics), c("loss", "accuracy", "val_loss", "val_accuracy"))
  expect_equal(lengths(history$metrics), c(loss = 30L, accuracy = 30L, val_loss = 30L,
                                           val_accuracy = 30L))
  expect_equal(history$params$samples, 160L)
  expect_lt(history$metrics$loss[30], history$metrics$loss[1])
  score <- model %>% evaluate(data$x, data$y)
  expect_equal(names(score), c("loss", "accuracy"))
  expect_gt(score$accuracy, 0.9)
  p <- predict(model, data$x)
  expect_true(is.matrix(p) && is.double(p))
  expect_equal(dim(p), c(200L, 1L))
  expect_true(all(p >= 0 & p <= 1))
  expect_equal(mean((p > 0.5) == data$y), score$accuracy, tolerance = 1e-6)
  expect_equal(predict_classes(model, data$x[1:5, ]), as.integer(p[1:5] > 0.5))
  expect_output(print(history), "Trained on 160 samples \\(batch_size=32, epochs=30\\)")
})

test_that("plot() draws the history with base graphics into a PNG", {
  data <- two_class_data(64)
  model <- small_model()
  model |> compile(optimizer = "sgd", loss = "binary_crossentropy", metrics = c("accuracy"))
  history <- model |> fit(data$x, data$y, epochs = 3, verbose = 0,
                          validation_data = list(data$x, data$y))
  df <- as.data.frame(history)
  expect_equal(nrow(df), 12L)
  expect_setequal(unique(df$data), c("training", "validation"))
  file <- tempfile(fileext = ".png")
  grDevices::png(file)
  plot(history)
  grDevices::dev.off()
  expect_gt(file.size(file), 1000)
  expect_identical(readBin(file, "raw", 4), as.raw(c(0x89, 0x50, 0x4e, 0x47)))
  expect_minikerasr_error(plot(history, metrics = "auc"), "no metric \"auc\"")
})

test_that("softmax classes are 0-based, as to_categorical() labels", {
  set.seed(1)
  x <- matrix(rnorm(300), ncol = 3)
  y <- max.col(x) - 1L
  model <- keras_model_sequential() %>%
    layer_dense(units = 3, activation = "softmax", input_shape = 3)
  model %>% compile(optimizer = optimizer_sgd(lr = 0.5), loss = "categorical_crossentropy",
                    metrics = "accuracy")
  model %>% fit(x, to_categorical(y, 3), epochs = 20, verbose = 0)
  classes <- predict_classes(model, x)
  expect_true(is.integer(classes) && all(classes %in% 0:2))
  expect_gt(mean(classes == y), 0.8)
  expect_equal(classes, max.col(predict(model, x), ties.method = "first") - 1L)
})

test_that("save_model_hdf5() / load_model_hdf5() keep the model and its predictions", {
  data <- two_class_data(40)
  model <- small_model()
  model %>% compile(optimizer = "adam", loss = "binary_crossentropy")
  model %>% fit(data$x, data$y, epochs = 2, verbose = 0)
  file <- tempfile(fileext = ".h5")
  save_model_hdf5(model, file)
  loaded <- load_model_hdf5(file)
  expect_equal(predict(loaded, data$x), predict(model, data$x), tolerance = 1e-6)
  expect_equal(py_value(loaded$optimizer$`__class__`$`__name__`), "Adam")
  weights_file <- tempfile(fileext = ".h5")
  save_model_weights_hdf5(model, weights_file)
  fresh <- small_model()
  load_model_weights_hdf5(fresh, weights_file)
  expect_equal(predict(fresh, data$x), predict(model, data$x), tolerance = 1e-6)
  expect_minikerasr_error(load_model_hdf5(file.path(tempdir(), "none.h5")), "no file")
})

test_that("get_weights() / set_weights() use R arrays in Keras's layout", {
  model <- small_model()
  w <- get_weights(model)
  expect_equal(lapply(w, dim), list(c(4L, 16L), NULL, c(16L, 1L), NULL))
  w[[1]][] <- 0; w[[2]][] <- 0; w[[3]][] <- 0; w[[4]][] <- 2
  set_weights(model, w)
  expect_equal(predict(model, matrix(1, 2, 4)), matrix(1 / (1 + exp(-2)), 2, 1),
               tolerance = 1e-6)
})

test_that("bad arguments to the model verbs are R errors, not Python tracebacks", {
  model <- small_model()
  expect_minikerasr_error(compile(model, optimizer = "adam"), "`loss` is missing")
  err <- expect_minikerasr_error(compile(model, optimizer = "adam", loss = "nope"),
                                 "Unknown loss function: 'nope'",
                                 class = "minikerasr_python_error")
  expect_equal(err$python_type, "ValueError")
  model %>% compile(optimizer = "adam", loss = "binary_crossentropy")
  expect_minikerasr_error(fit(model, letters, 1:26), "`x` must be a numeric array")
  expect_minikerasr_error(fit(model, matrix(0, 4, 4), 1:4, epochs = 1.5),
                          "`epochs` must be one whole number")
  expect_minikerasr_error(fit(list(), 1, 1), "fit\\(\\): `object` must be a minikeras model")
  expect_minikerasr_error(fit(model, matrix(0, 4, 4), 1:4, validation_data = 1),
                          "`validation_data` must be list\\(x_val, y_val\\)")
})
