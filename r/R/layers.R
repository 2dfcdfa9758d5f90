# The layer_*() functions, generated from one table: R name, minikeras layer class, and
# the arguments the R function takes before `...` (the Python class's required ones and
# the ones Keras-for-R users pass by position). Everything else goes through `...` by
# name, converted by convert_arg(). tests/testthat/test-layers.R checks every class
# exists in minikeras.layers and every argument is one its constructor takes.
#
# Each function works three ways, as in Keras-for-R:
#   layer_dense(units = 10)                 the layer itself
#   model %>% layer_dense(units = 10)       adds it to a Sequential model, returns the model
#   tensor %>% layer_dense(units = 10)      calls it on a tensor (or list of tensors)

.layer_table <- read.table(header = TRUE, stringsAsFactors = FALSE, text = "
  r_name                            class                    args
  layer_dense                       Dense                    units
  layer_activation                  Activation               activation
  layer_dropout                     Dropout                  rate
  layer_flatten                     Flatten                  -
  layer_reshape                     Reshape                  target_shape
  layer_permute                     Permute                  dims
  layer_repeat_vector               RepeatVector             n
  layer_masking                     Masking                  -
  layer_activity_regularization     ActivityRegularization   -
  layer_spatial_dropout_1d          SpatialDropout1D         rate
  layer_spatial_dropout_2d          SpatialDropout2D         rate
  layer_conv_1d                     Conv1D                   filters,kernel_size
  layer_conv_2d                     Conv2D                   filters,kernel_size
  layer_conv_2d_transpose           Conv2DTranspose          filters,kernel_size
  layer_separable_conv_2d           SeparableConv2D          filters,kernel_size
  layer_depthwise_conv_2d           DepthwiseConv2D          kernel_size
  layer_cropping_1d                 Cropping1D               -
  layer_cropping_2d                 Cropping2D               -
  layer_upsampling_1d               UpSampling1D             -
  layer_upsampling_2d               UpSampling2D             -
  layer_zero_padding_1d             ZeroPadding1D            -
  layer_zero_padding_2d             ZeroPadding2D            -
  layer_max_pooling_1d              MaxPooling1D             -
  layer_max_pooling_2d              MaxPooling2D             -
  layer_average_pooling_1d          AveragePooling1D         -
  layer_average_pooling_2d          AveragePooling2D         -
  layer_global_max_pooling_1d       GlobalMaxPooling1D       -
  layer_global_max_pooling_2d       GlobalMaxPooling2D       -
  layer_global_average_pooling_1d   GlobalAveragePooling1D   -
  layer_global_average_pooling_2d   GlobalAveragePooling2D   -
  layer_batch_normalization         BatchNormalization       -
  layer_embedding                   Embedding                input_dim,output_dim
  layer_simple_rnn                  SimpleRNN                units
  layer_lstm                        LSTM                     units
  layer_gru                         GRU                      units
  layer_bidirectional               Bidirectional            layer
  layer_time_distributed            TimeDistributed          layer
  layer_activation_relu             ReLU                     -
  layer_activation_leaky_relu       LeakyReLU                -
  layer_activation_parametric_relu  PReLU                    -
  layer_activation_elu              ELU                      -
  layer_activation_thresholded_relu ThresholdedReLU          -
  layer_activation_softmax          Softmax                  -
  layer_gaussian_noise              GaussianNoise            stddev
  layer_gaussian_dropout            GaussianDropout          rate
  layer_alpha_dropout               AlphaDropout             rate
  layer_add                         Add                      -
  layer_subtract                    Subtract                 -
  layer_multiply                    Multiply                 -
  layer_average                     Average                  -
  layer_maximum                     Maximum                  -
  layer_minimum                     Minimum                  -
  layer_concatenate                 Concatenate              -
  layer_dot                         Dot                      axes
")

layer_args <- function(row) {
  args <- .layer_table$args[.layer_table$r_name == row]
  if (args == "-") character() else strsplit(args, ",", fixed = TRUE)[[1]]
}

# Build the layer and add it to / call it on `object`, as Keras-for-R's create_layer().
create_layer <- function(r_name, class_name, object, args, call) {
  layer_class <- minikeras()$layers[[class_name]]
  layer <- py_call(layer_class, convert_args(args), call = call)
  if (is.null(object)) return(layer)
  if (inherits(object, "minikeras.models.sequential.Sequential")) {
    py_call(object$add, list(layer), call = call)
    return(invisible(object))
  }
  if (is.list(object) || inherits(object, "python.builtin.object"))
    return(py_call(layer, list(object), call = call))
  abort(sprintf("%s(): `object` must be a Sequential model, a tensor or a list of tensors, not %s",
                r_name, describe(object)), call = call)
}

make_layer_function <- function(r_name, class_name, required) {
  force(r_name); force(class_name); force(required)
  fun <- function(object, ...) {
    this_call <- sys.call()
    env <- environment()
    args <- list()
    for (name in required) {
      if (eval(call("missing", as.name(name)), env))
        abort(sprintf("%s(): argument `%s` is missing, with no default", r_name, name),
              call = this_call)
      args[name] <- list(get(name, envir = env))
    }
    object <- if (missing(object)) NULL else object
    create_layer(r_name, class_name, object, c(args, list(...)), this_call)
  }
  formals(fun) <- c(alist(object = ), stats::setNames(rep(alist(x = ), length(required)), required),
                    alist(... = ))
  fun
}

for (.i in seq_len(nrow(.layer_table))) {
  assign(.layer_table$r_name[.i],
         make_layer_function(.layer_table$r_name[.i], .layer_table$class[.i],
                             layer_args(.layer_table$r_name[.i])))
}
rm(.i)

#' An input tensor for the functional API (keras_model()).
layer_input <- function(shape = NULL, batch_shape = NULL, name = NULL, dtype = NULL,
                        sparse = FALSE, tensor = NULL) {
  args <- list(shape = shape, batch_shape = batch_shape, name = name, dtype = dtype,
               sparse = sparse, tensor = tensor)
  py_call(minikeras()$layers$Input, convert_args(args))
}
