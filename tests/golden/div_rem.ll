define internal i32 @wasm_func_0(ptr %vmctx, i32 %p0, i32 %p1) #0 {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  %l1 = alloca i32
  store i32 %p1, ptr %l1
  %t12 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t13 = load ptr, ptr %t12, !invariant.load !{}
  %t14 = load i64, ptr %t13
  %t15 = call ptr @llvm.stacksave.p0()
  %t16 = ptrtoint ptr %t15 to i64
  %t17 = icmp ult i64 %t16, %t14
  br i1 %t17, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t3 = load i32, ptr %l0
  %t4 = load i32, ptr %l1
  %t5 = icmp eq i32 %t4, 0
  br i1 %t5, label %trap_int_div_by_zero, label %ok6, !prof !0
ok6:
  %t7 = icmp eq i32 %t3, -2147483648
  %t8 = icmp eq i32 %t4, -1
  %t9 = and i1 %t7, %t8
  br i1 %t9, label %trap_int_overflow, label %ok10, !prof !0
ok10:
  %t11 = sdiv i32 %t3, %t4
  ret i32 %t11
trap_int_div_by_zero:
  call void @wasmc_trap(ptr %vmctx, i32 3)
  unreachable
trap_int_overflow:
  call void @wasmc_trap(ptr %vmctx, i32 4)
  unreachable
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal i64 @wasm_func_1(ptr %vmctx, i64 %p0, i64 %p1) #0 {
entry:
  %l0 = alloca i64
  store i64 %p0, ptr %l0
  %l1 = alloca i64
  store i64 %p1, ptr %l1
  %t8 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t9 = load ptr, ptr %t8, !invariant.load !{}
  %t10 = load i64, ptr %t9
  %t11 = call ptr @llvm.stacksave.p0()
  %t12 = ptrtoint ptr %t11 to i64
  %t13 = icmp ult i64 %t12, %t10
  br i1 %t13, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t3 = load i64, ptr %l0
  %t4 = load i64, ptr %l1
  %t5 = icmp eq i64 %t4, 0
  br i1 %t5, label %trap_int_div_by_zero, label %ok6, !prof !0
ok6:
  %t7 = udiv i64 %t3, %t4
  ret i64 %t7
trap_int_div_by_zero:
  call void @wasmc_trap(ptr %vmctx, i32 3)
  unreachable
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal i64 @wasm_func_2(ptr %vmctx, i64 %p0, i64 %p1) #0 {
entry:
  %l0 = alloca i64
  store i64 %p0, ptr %l0
  %l1 = alloca i64
  store i64 %p1, ptr %l1
  %t10 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t11 = load ptr, ptr %t10, !invariant.load !{}
  %t12 = load i64, ptr %t11
  %t13 = call ptr @llvm.stacksave.p0()
  %t14 = ptrtoint ptr %t13 to i64
  %t15 = icmp ult i64 %t14, %t12
  br i1 %t15, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t3 = load i64, ptr %l0
  %t4 = load i64, ptr %l1
  %t5 = icmp eq i64 %t4, 0
  br i1 %t5, label %trap_int_div_by_zero, label %ok6, !prof !0
ok6:
  %t7 = icmp eq i64 %t4, -1
  %t8 = select i1 %t7, i64 1, i64 %t4
  %t9 = srem i64 %t3, %t8
  ret i64 %t9
trap_int_div_by_zero:
  call void @wasmc_trap(ptr %vmctx, i32 3)
  unreachable
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal void @wasm_entry_ii_i(ptr %vmctx, ptr %callee, ptr %slots) {
  %ap0 = getelementptr i64, ptr %slots, i64 0
  %a0 = load i32, ptr %ap0
  %ap1 = getelementptr i64, ptr %slots, i64 1
  %a1 = load i32, ptr %ap1
  %r = call i32 %callee(ptr %vmctx, i32 %a0, i32 %a1)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  store i32 %r, ptr %rp0
  ret void
}
define internal i32 @wasm_host_ii_i(ptr %host, i32 %a0, i32 %a1) {
  %slots = alloca [2 x i64], align 8
  %ap0 = getelementptr i64, ptr %slots, i64 0
  store i32 %a0, ptr %ap0
  %ap1 = getelementptr i64, ptr %slots, i64 1
  store i32 %a1, ptr %ap1
  call void @wasmc_host_call(ptr %host, ptr %slots)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  %r0 = load i32, ptr %rp0
  ret i32 %r0
}
define internal void @wasm_entry_ll_l(ptr %vmctx, ptr %callee, ptr %slots) {
  %ap0 = getelementptr i64, ptr %slots, i64 0
  %a0 = load i64, ptr %ap0
  %ap1 = getelementptr i64, ptr %slots, i64 1
  %a1 = load i64, ptr %ap1
  %r = call i64 %callee(ptr %vmctx, i64 %a0, i64 %a1)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  store i64 %r, ptr %rp0
  ret void
}
define internal i64 @wasm_host_ll_l(ptr %host, i64 %a0, i64 %a1) {
  %slots = alloca [2 x i64], align 8
  %ap0 = getelementptr i64, ptr %slots, i64 0
  store i64 %a0, ptr %ap0
  %ap1 = getelementptr i64, ptr %slots, i64 1
  store i64 %a1, ptr %ap1
  call void @wasmc_host_call(ptr %host, ptr %slots)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  %r0 = load i64, ptr %rp0
  ret i64 %r0
}
@wasmc_funcs = constant [3 x ptr] [ptr @wasm_func_0, ptr @wasm_func_1, ptr @wasm_func_2]
@wasmc_direct_copies = constant [3 x ptr] [ptr null, ptr null, ptr null]
@wasmc_entries = constant [2 x ptr] [ptr @wasm_entry_ii_i, ptr @wasm_entry_ll_l]
@wasmc_host_adapters = constant [2 x ptr] [ptr @wasm_host_ii_i, ptr @wasm_host_ll_l]
declare void @wasmc_host_call(ptr, ptr)
declare void @wasmc_trap(ptr, i32) noreturn cold
declare ptr @llvm.stacksave.p0()
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
