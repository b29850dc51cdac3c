module github.com/ganada/ganada/bench

go 1.26

replace github.com/ganada/ganada => ../
