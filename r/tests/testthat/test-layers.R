test_that("every layer_*() maps to a minikeras layer class and its real arguments", {
  table <- minikerasr:::.layer_table
  for (i in seq_len(nrow(table))) {
    expect_true(reticulate::py_has_attr(mk$layers, table$class[i]), label = table$class[i])
    params <- bridge$init_params(mk$layers[[table$class[i]]])
    for (arg in minikerasr:::layer_args(table$r_name[i]))
      expect_true(arg %in% params, label = paste0(table$r_name[i], "(", arg, ")"))
    expect_true(is.function(getExportedValue("minikerasr", table$r_name[i])))
  }
})

test_that("a conv net builds with the shapes Keras gives", {
  model <- keras_model_sequential() %>%
    layer_conv_2d(filters = 4, kernel_size = c(3, 3), activation = "relu",
                  input_shape = c(8, 8, 1)) %>%
    layer_max_pooling_2d(pool_size = c(2, 2)) %>%
    layer_batch_normalization() %>%
    layer_flatten() %>%
    layer_dropout(rate = 0.25) %>%
    layer_dense(units = 10) %>%
    layer_activation("softmax")
  output_shapes <- reticulate::py_eval("lambda m: [l.output_shape for l in m.layers]")
  shapes <- lapply(output_shapes(model), unlist)
  expect_equal(shapes, list(c(6L, 6L, 4L), c(3L, 3L, 4L), c(3L, 3L, 4L), 36L, 36L, 10L, 10L))
  expect_equal(count_params(model), (3 * 3 * 4 + 4) + 4 * 4 + 36 * 10 + 10)
})

test_that("recurrent layers and embeddings chain", {
  model <- keras_model_sequential() %>%
    layer_embedding(input_dim = 20, output_dim = 4, input_length = 5) %>%
    layer_simple_rnn(units = 3, return_sequences = TRUE) %>%
    layer_lstm(units = 3L, return_sequences = TRUE) %>%
    layer_gru(units = 2)
  expect_equal(py_value(model$output_shape), list(NULL, 2L))
  x <- matrix(c(1:10, 10:1), nrow = 4)
  expect_equal(dim(predict(model, x)), c(4L, 2L))
})

test_that("the functional API: layer_input(), tensors through layers, keras_model()", {
  a <- layer_input(shape = 3)
  b <- layer_input(shape = c(2))
  merged <- layer_concatenate(list(a %>% layer_dense(4), b))
  out <- merged %>% layer_dense(units = 1)
  model <- keras_model(list(a, b), out)
  expect_equal(py_value(model$output_shape), list(NULL, 1L))
  p <- predict(model, list(matrix(1, 5, 3), matrix(0, 5, 2)))
  expect_equal(dim(p), c(5L, 1L))
})

test_that("bad layer arguments are R errors naming the function and the argument", {
  err <- expect_minikerasr_error(layer_dense(units = 4, colour = "red"), "colour",
                                 class = "minikerasr_python_error")
  expect_equal(err$python_type, "TypeError")
  expect_match(deparse(conditionCall(err)), "layer_dense")
  expect_minikerasr_error(layer_dense(), "layer_dense\\(\\): argument `units` is missing")
  expect_minikerasr_error(layer_dense("model", units = 2), "`object` must be a Sequential model")
})
