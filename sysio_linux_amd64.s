#include "textflag.h"

// func sysio(trap, fd uintptr, p unsafe.Pointer, n, flags uintptr, addr, addrlenp unsafe.Pointer, addrlen uintptr) (r uintptr, errno syscall.Errno)
TEXT ·sysio(SB), NOSPLIT, $0-80
	MOVQ	fd+8(FP), DI
	MOVQ	p+16(FP), SI
	MOVQ	n+24(FP), DX
	MOVQ	flags+32(FP), R10
	MOVQ	addr+40(FP), R8
	MOVQ	addrlenp+48(FP), R9
	ADDQ	addrlen+56(FP), R9
	MOVQ	trap+0(FP), AX
	SYSCALL
	CMPQ	AX, $0xfffffffffffff001
	JLS	ok
	MOVQ	$-1, r+64(FP)
	NEGQ	AX
	MOVQ	AX, errno+72(FP)
	RET
ok:
	MOVQ	AX, r+64(FP)
	MOVQ	$0, errno+72(FP)
	RET
