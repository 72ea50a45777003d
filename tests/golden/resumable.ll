; main module
define hidden i32 @wasm_func_0(ptr %vmctx, i32 %p0) #0 {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  %t3 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t4 = load ptr, ptr %t3, !invariant.load !{}
  %t5 = load i64, ptr %t4
  %t6 = call ptr @llvm.stacksave.p0()
  %t7 = ptrtoint ptr %t6 to i64
  %t8 = icmp ult i64 %t7, %t5
  br i1 %t8, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  ret i32 0
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define hidden i32 @wasm_func_1.direct(ptr %vmctx, i32 %p0) #0 {
entry:
  %l0 = alloca i32
  store i32 0, ptr %l0
  %l1 = alloca i32
  store i32 0, ptr %l1
  %t3 = getelementptr inbounds i8, ptr %vmctx, i64 16
  %t4 = load ptr, ptr %t3, !invariant.load !{}
  %t5 = getelementptr inbounds i8, ptr %t4, i64 0
  %t6 = load ptr, ptr %t5, !invariant.load !{}
  %t18 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t19 = load ptr, ptr %t18, !invariant.load !{}
  %t20 = load i64, ptr %t19
  %t21 = call ptr @llvm.stacksave.p0()
  %t22 = ptrtoint ptr %t21 to i64
  %t23 = icmp ult i64 %t22, %t20
  br i1 %t23, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t7 = load i32, ptr %t6, !tbaa !5
  store i32 %t7, ptr %l1
  br label %loop9
loop9:
  %t12 = load i32, ptr %l0
  switch i32 %t12, label %end11 [ i32 0, label %end11 i32 1, label %end10 ]
end11:
  %t13 = call i32 @wasm_func_0(ptr %vmctx, i32 0)
  %t14 = icmp ne i32 %t13, 0
  br i1 %t14, label %ret16, label %cont15, !prof !0
ret16:
  ret i32 1
cont15:
  store i32 1, ptr %l0
  br label %end10
end10:
  %t17 = load i32, ptr %l1
  store i32 %t17, ptr %t6, !tbaa !5
  ret i32 0
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal void @wasm_entry_i_i(ptr %vmctx, ptr %callee, ptr %slots) {
  %ap0 = getelementptr i64, ptr %slots, i64 0
  %a0 = load i32, ptr %ap0
  %r = call i32 %callee(ptr %vmctx, i32 %a0)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  store i32 %r, ptr %rp0
  ret void
}
define internal i32 @wasm_host_i_i(ptr %host, i32 %a0) {
  %slots = alloca [1 x i64], align 8
  %ap0 = getelementptr i64, ptr %slots, i64 0
  store i32 %a0, ptr %ap0
  call void @wasmc_host_call(ptr %host, ptr %slots)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  %r0 = load i32, ptr %rp0
  ret i32 %r0
}
@wasmc_funcs = constant [2 x ptr] [ptr @wasm_func_0, ptr @wasm_func_1]
@wasmc_direct_copies = constant [2 x ptr] [ptr null, ptr @wasm_func_1.direct]
@wasmc_entries = constant [1 x ptr] [ptr @wasm_entry_i_i]
@wasmc_host_adapters = constant [1 x ptr] [ptr @wasm_host_i_i]
declare void @wasmc_host_call(ptr, ptr)
declare void @wasmc_trap(ptr, i32) noreturn cold
declare ptr @llvm.stacksave.p0()
declare hidden i32 @wasm_func_1(ptr, i32)
attributes #0 = { "disable-tail-calls"="true" nounwind }
!0 = !{!"branch_weights", i32 1, i32 2000}
!1 = !{!"wasmc"}
!2 = !{!"wasm memory", !1, i64 0}
!3 = !{!2, !2, i64 0}
!4 = !{!"wasm global", !1, i64 0}
!5 = !{!4, !4, i64 0}
!6 = !{!"wasmc runtime", !1, i64 0}
!7 = !{!6, !6, i64 0}
!8 = !{i64 0, i64 2147483648}

; resume module
define hidden i32 @wasm_func_1(ptr %vmctx, i32 %p0) #0 {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  %l1 = alloca i32
  store i32 0, ptr %l1
  %direct = icmp eq i32 %p0, 0
  br i1 %direct, label %direct_call, label %prologue
direct_call:
  %forwarded = musttail call i32 @wasm_func_1.direct(ptr %vmctx, i32 %p0)
  ret i32 %forwarded
prologue:
  %t3 = getelementptr inbounds i8, ptr %vmctx, i64 16
  %t4 = load ptr, ptr %t3, !invariant.load !{}
  %t5 = getelementptr inbounds i8, ptr %t4, i64 0
  %t6 = load ptr, ptr %t5, !invariant.load !{}
  %t18 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t19 = load ptr, ptr %t18, !invariant.load !{}
  %t20 = load i64, ptr %t19
  %t21 = call ptr @llvm.stacksave.p0()
  %t22 = ptrtoint ptr %t21 to i64
  %t23 = icmp ult i64 %t22, %t20
  br i1 %t23, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t7 = load i32, ptr %t6, !tbaa !5
  store i32 %t7, ptr %l1
  br label %loop9
loop9:
  %t12 = load i32, ptr %l0
  switch i32 %t12, label %end11 [ i32 0, label %end11 i32 1, label %end10 ]
end11:
  %t13 = call i32 @wasm_func_0(ptr %vmctx, i32 0)
  %t14 = icmp ne i32 %t13, 0
  br i1 %t14, label %ret16, label %cont15, !prof !0
ret16:
  ret i32 1
cont15:
  store i32 1, ptr %l0
  br label %end10
end10:
  %t17 = load i32, ptr %l1
  store i32 %t17, ptr %t6, !tbaa !5
  ret i32 0
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

declare void @wasmc_host_call(ptr, ptr)
declare void @wasmc_trap(ptr, i32) noreturn cold
declare ptr @llvm.stacksave.p0()
declare hidden i32 @wasm_func_0(ptr, i32)
declare hidden i32 @wasm_func_1.direct(ptr, i32)
attributes #0 = { "disable-tail-calls"="true" nounwind }
!0 = !{!"branch_weights", i32 1, i32 2000}
!1 = !{!"wasmc"}
!2 = !{!"wasm memory", !1, i64 0}
!3 = !{!2, !2, i64 0}
!4 = !{!"wasm global", !1, i64 0}
!5 = !{!4, !4, i64 0}
!6 = !{!"wasmc runtime", !1, i64 0}
!7 = !{!6, !6, i64 0}
!8 = !{i64 0, i64 2147483648}
