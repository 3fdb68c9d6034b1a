package main

import "testing"

func TestLocaleLang(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "en"},
		{map[string]string{"LANG": "zh_CN.UTF-8"}, "zh"},
		{map[string]string{"LANG": "en_US.UTF-8"}, "en"},
		{map[string]string{"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, "en"},
		{map[string]string{"LANG": "C.UTF-8", "LC_MESSAGES": "zh_TW.UTF-8"}, "zh"},
	}
	for _, tt := range tests {
		if got := localeLang(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("localeLang(%v) = %q, want %q", tt.env, got, tt.want)
		}
	}
}
