# optimizer_*() and callback_*(): generated, like the layers, from a table of
# R name -> minikeras class (module, class name); all arguments go by name through
# convert_arg() (patience = 3 and 3L both give an int, ...).

.constructor_table <- read.table(header = TRUE, stringsAsFactors = FALSE, text = "
  r_name                         module      class
  optimizer_sgd                  optimizers  SGD
  optimizer_rmsprop              optimizers  RMSprop
  optimizer_adagrad              optimizers  Adagrad
  optimizer_adadelta             optimizers  Adadelta
  optimizer_adam                 optimizers  Adam
  optimizer_adamax               optimizers  Adamax
  optimizer_nadam                optimizers  Nadam
  callback_early_stopping        callbacks   EarlyStopping
  callback_model_checkpoint      callbacks   ModelCheckpoint
  callback_csv_logger            callbacks   CSVLogger
  callback_reduce_lr_on_plateau  callbacks   ReduceLROnPlateau
  callback_terminate_on_naan     callbacks   TerminateOnNaN
")

make_constructor <- function(r_name, module, class_name) {
  force(r_name); force(module); force(class_name)
  function(...) {
    cls <- minikeras()[[module]][[class_name]]
    args <- list(...)
    if (!is.null(args$filepath)) args$filepath <- path.expand(args$filepath)
    if (!is.null(args$filename)) args$filename <- path.expand(args$filename)
    py_call(cls, convert_args(args), call = sys.call())
  }
}

for (.i in seq_len(nrow(.constructor_table))) {
  assign(.constructor_table$r_name[.i],
         make_constructor(.constructor_table$r_name[.i], .constructor_table$module[.i],
                          .constructor_table$class[.i]))
}
rm(.i)
