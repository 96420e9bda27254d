# An empty .vir is a valid empty module: what fails is asking it for something.
interp {in} --invoke f
run {in}
run {in} --invoke f
