module example.com/loadorstore

go 1.22
