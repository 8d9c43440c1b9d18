#include "textflag.h"

// func sysio(trap, fd uintptr, p unsafe.Pointer, n, flags uintptr, addr, addrlenp unsafe.Pointer, addrlen uintptr) (r uintptr, errno syscall.Errno)
TEXT ·sysio(SB), NOSPLIT, $0-80
	MOVD	fd+8(FP), R0
	MOVD	p+16(FP), R1
	MOVD	n+24(FP), R2
	MOVD	flags+32(FP), R3
	MOVD	addr+40(FP), R4
	MOVD	addrlenp+48(FP), R5
	MOVD	addrlen+56(FP), R6
	ADD	R6, R5, R5
	MOVD	trap+0(FP), R8
	SVC
	CMN	$4095, R0
	BCC	ok
	MOVD	$-1, R4
	MOVD	R4, r+64(FP)
	NEG	R0, R0
	MOVD	R0, errno+72(FP)
	RET
ok:
	MOVD	R0, r+64(FP)
	MOVD	ZR, errno+72(FP)
	RET
