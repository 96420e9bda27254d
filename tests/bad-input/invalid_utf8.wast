(module
  (func $café))
