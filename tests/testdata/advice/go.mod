module advicetest

go 1.21
