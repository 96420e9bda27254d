# Integers out of range for the parameter's type, on the command line.
interp {in} --invoke f 4294967296
interp {in} --invoke f -2147483649
run {in} --invoke f 4294967296
