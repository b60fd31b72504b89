# Overrides the default: the workloads do not run here.
namespace = "payment"
