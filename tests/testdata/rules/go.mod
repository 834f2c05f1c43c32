module example.com/rulestest

go 1.23
