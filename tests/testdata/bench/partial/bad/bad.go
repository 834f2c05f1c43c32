package bad

// Broken on purpose: one package of the module does not compile.
var X int = "no"
