module factstest

go 1.21
