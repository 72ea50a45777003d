define internal i32 @wasm_func_0(ptr %vmctx, double %p0) #0 {
entry:
  %l0 = alloca double
  store double %p0, ptr %l0
  %t12 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t13 = load ptr, ptr %t12, !invariant.load !{}
  %t14 = load i64, ptr %t13
  %t15 = call ptr @llvm.stacksave.p0()
  %t16 = ptrtoint ptr %t15 to i64
  %t17 = icmp ult i64 %t16, %t14
  br i1 %t17, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t3 = load double, ptr %l0
  %t4 = fcmp uno double %t3, %t3
  br i1 %t4, label %trap_invalid_conversion, label %ok5, !prof !0
ok5:
  %t6 = fcmp ogt double %t3, 0xC1E0000000200000
  %t7 = fcmp olt double %t3, 0x41E0000000000000
  %t8 = and i1 %t6, %t7
  %t9 = xor i1 %t8, true
  br i1 %t9, label %trap_int_overflow, label %ok10, !prof !0
ok10:
  %t11 = fptosi double %t3 to i32
  ret i32 %t11
trap_invalid_conversion:
  call void @wasmc_trap(ptr %vmctx, i32 5)
  unreachable
trap_int_overflow:
  call void @wasmc_trap(ptr %vmctx, i32 4)
  unreachable
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal i64 @wasm_func_1(ptr %vmctx, float %p0) #0 {
entry:
  %l0 = alloca float
  store float %p0, ptr %l0
  %t12 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t13 = load ptr, ptr %t12, !invariant.load !{}
  %t14 = load i64, ptr %t13
  %t15 = call ptr @llvm.stacksave.p0()
  %t16 = ptrtoint ptr %t15 to i64
  %t17 = icmp ult i64 %t16, %t14
  br i1 %t17, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t3 = load float, ptr %l0
  %t4 = fcmp uno float %t3, %t3
  br i1 %t4, label %trap_invalid_conversion, label %ok5, !prof !0
ok5:
  %t6 = fcmp ogt float %t3, 0xBFF0000000000000
  %t7 = fcmp olt float %t3, 0x43F0000000000000
  %t8 = and i1 %t6, %t7
  %t9 = xor i1 %t8, true
  br i1 %t9, label %trap_int_overflow, label %ok10, !prof !0
ok10:
  %t11 = fptoui float %t3 to i64
  ret i64 %t11
trap_invalid_conversion:
  call void @wasmc_trap(ptr %vmctx, i32 5)
  unreachable
trap_int_overflow:
  call void @wasmc_trap(ptr %vmctx, i32 4)
  unreachable
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal i32 @wasm_func_2(ptr %vmctx, double %p0) #0 {
entry:
  %l0 = alloca double
  store double %p0, ptr %l0
  %t5 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t6 = load ptr, ptr %t5, !invariant.load !{}
  %t7 = load i64, ptr %t6
  %t8 = call ptr @llvm.stacksave.p0()
  %t9 = ptrtoint ptr %t8 to i64
  %t10 = icmp ult i64 %t9, %t7
  br i1 %t10, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t3 = load double, ptr %l0
  %t4 = call i32 @llvm.fptoui.sat.i32.f64(double %t3)
  ret i32 %t4
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal void @wasm_entry_d_i(ptr %vmctx, ptr %callee, ptr %slots) {
  %ap0 = getelementptr i64, ptr %slots, i64 0
  %a0 = load double, ptr %ap0
  %r = call i32 %callee(ptr %vmctx, double %a0)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  store i32 %r, ptr %rp0
  ret void
}
define internal i32 @wasm_host_d_i(ptr %host, double %a0) {
  %slots = alloca [1 x i64], align 8
  %ap0 = getelementptr i64, ptr %slots, i64 0
  store double %a0, ptr %ap0
  call void @wasmc_host_call(ptr %host, ptr %slots)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  %r0 = load i32, ptr %rp0
  ret i32 %r0
}
define internal void @wasm_entry_f_l(ptr %vmctx, ptr %callee, ptr %slots) {
  %ap0 = getelementptr i64, ptr %slots, i64 0
  %a0 = load float, ptr %ap0
  %r = call i64 %callee(ptr %vmctx, float %a0)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  store i64 %r, ptr %rp0
  ret void
}
define internal i64 @wasm_host_f_l(ptr %host, float %a0) {
  %slots = alloca [1 x i64], align 8
  %ap0 = getelementptr i64, ptr %slots, i64 0
  store float %a0, ptr %ap0
  call void @wasmc_host_call(ptr %host, ptr %slots)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  %r0 = load i64, ptr %rp0
  ret i64 %r0
}
@wasmc_funcs = constant [3 x ptr] [ptr @wasm_func_0, ptr @wasm_func_1, ptr @wasm_func_2]
@wasmc_direct_copies = constant [3 x ptr] [ptr null, ptr null, ptr null]
@wasmc_entries = constant [2 x ptr] [ptr @wasm_entry_d_i, ptr @wasm_entry_f_l]
@wasmc_host_adapters = constant [2 x ptr] [ptr @wasm_host_d_i, ptr @wasm_host_f_l]
declare void @wasmc_host_call(ptr, ptr)
declare void @wasmc_trap(ptr, i32) noreturn cold
declare i32 @llvm.fptoui.sat.i32.f64(double)
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
