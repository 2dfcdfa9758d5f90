# The training history fit() returns, as in Keras-for-R: list(params, metrics) of class
# "keras_training_history", with print(), plot() (base graphics) and as.data.frame().

training_history <- function(history) {
  params <- bridge()$plain(reticulate::py_get_attr(history, "params"))
  metrics <- bridge()$float_lists(reticulate::py_get_attr(history, "history"))
  metrics <- lapply(metrics, as.numeric)
  metrics <- metrics[order(startsWith(names(metrics), "val_"))]   # training first
  structure(list(params = params, metrics = metrics), class = "keras_training_history")
}

print.keras_training_history <- function(x, ...) {
  epochs <- if (length(x$metrics)) length(x$metrics[[1]]) else 0L
  samples <- x$params$samples
  cat(sprintf("Trained on %s samples (batch_size=%s, epochs=%d)\n",
              if (is.null(samples)) "?" else format(samples, big.mark = ","),
              if (is.null(x$params$batch_size)) "?" else x$params$batch_size, epochs))
  if (epochs) {
    cat("Final epoch (plot to see history):\n")
    last <- vapply(x$metrics, function(v) v[length(v)], 0)
    width <- max(nchar(names(last)))
    cat(sprintf("%*s: %.4g", width, names(last), last), sep = "\n")
  }
  invisible(x)
}

as.data.frame.keras_training_history <- function(x, ...) {
  rows <- lapply(names(x$metrics), function(name) {
    values <- x$metrics[[name]]
    validation <- startsWith(name, "val_")
    data.frame(epoch = seq_along(values), value = values,
               metric = if (validation) substring(name, 5) else name,
               data = if (validation) "validation" else "training",
               stringsAsFactors = FALSE)
  })
  do.call(rbind, rows)
}

#' Plot a training history with base graphics: one panel per metric, training and
#' validation curves by epoch.
plot.keras_training_history <- function(x, y, metrics = NULL, ...) {
  df <- as.data.frame(x)
  if (is.null(df) || !nrow(df)) abort("plot(): the training history is empty (no epochs ran)")
  if (is.null(metrics)) metrics <- unique(df$metric)
  unknown <- setdiff(metrics, df$metric)
  if (length(unknown))
    abort(sprintf("plot(): no metric %s in this history (it has %s)",
                  paste0("\"", unknown, "\"", collapse = ", "),
                  paste0("\"", unique(df$metric), "\"", collapse = ", ")))
  old <- graphics::par(mfrow = c(length(metrics), 1), mar = c(4, 4, 1, 1))
  on.exit(graphics::par(old))
  colours <- c(training = "#1f77b4", validation = "#ff7f0e")
  for (metric in metrics) {
    part <- df[df$metric == metric, ]
    graphics::plot(range(part$epoch), range(part$value), type = "n", xlab = "epoch",
                   ylab = metric, ...)
    for (data in unique(part$data)) {
      curve <- part[part$data == data, ]
      graphics::lines(curve$epoch, curve$value, type = "o", pch = 16, col = colours[[data]])
    }
    rising <- part$value[nrow(part)] > part$value[1]
    graphics::legend(if (rising) "bottomright" else "topright", legend = unique(part$data), col = colours[unique(part$data)],
                     lty = 1, pch = 16, bty = "n")
  }
  invisible(df)
}
