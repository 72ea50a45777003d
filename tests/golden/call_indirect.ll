define internal i32 @wasm_func_0(ptr %vmctx, i32 %p0, i32 %p1) #0 {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  %l1 = alloca i32
  store i32 %p1, ptr %l1
  %t6 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t7 = load ptr, ptr %t6, !invariant.load !{}
  %t8 = load i64, ptr %t7
  %t9 = call ptr @llvm.stacksave.p0()
  %t10 = ptrtoint ptr %t9 to i64
  %t11 = icmp ult i64 %t10, %t8
  br i1 %t11, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t3 = load i32, ptr %l0
  %t4 = load i32, ptr %l1
  %t5 = add i32 %t3, %t4
  ret i32 %t5
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal i32 @wasm_func_1(ptr %vmctx, i32 %p0, i32 %p1, i32 %p2) #0 {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  %l1 = alloca i32
  store i32 %p1, ptr %l1
  %l2 = alloca i32
  store i32 %p2, ptr %l2
  %t6 = getelementptr inbounds i8, ptr %vmctx, i64 24
  %t7 = load ptr, ptr %t6, !invariant.load !{}
  %t8 = getelementptr inbounds i8, ptr %t7, i64 0
  %t9 = load ptr, ptr %t8, !invariant.load !{}
  %t23 = getelementptr inbounds i8, ptr %vmctx, i64 40
  %t24 = load ptr, ptr %t23, !invariant.load !{}
  %t25 = getelementptr inbounds i8, ptr %t24, i64 0
  %t26 = load i64, ptr %t25, !invariant.load !{}
  %t33 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t34 = load ptr, ptr %t33, !invariant.load !{}
  %t35 = load i64, ptr %t34
  %t36 = call ptr @llvm.stacksave.p0()
  %t37 = ptrtoint ptr %t36 to i64
  %t38 = icmp ult i64 %t37, %t35
  br i1 %t38, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t3 = load i32, ptr %l1
  %t4 = load i32, ptr %l2
  %t5 = load i32, ptr %l0
  %t10 = getelementptr inbounds i8, ptr %t9, i64 8
  %t11 = load i32, ptr %t10, !tbaa !7
  %t12 = icmp uge i32 %t5, %t11
  br i1 %t12, label %trap_undefined_element, label %ok13, !prof !0
ok13:
  %t14 = load ptr, ptr %t9, !tbaa !7
  %t15 = zext i32 %t5 to i64
  %t16 = getelementptr inbounds ptr, ptr %t14, i64 %t15
  %t17 = load ptr, ptr %t16, !tbaa !7
  %t20 = icmp eq ptr %t17, null
  br i1 %t20, label %null_elem18, label %ok19, !prof !0
null_elem18:
  call void @wasmc_trap_null_element(ptr %vmctx, i32 %t5)
  unreachable
ok19:
  %t21 = getelementptr inbounds i8, ptr %t17, i64 8
  %t22 = load i64, ptr %t21, !tbaa !7
  %t27 = icmp ne i64 %t22, %t26
  br i1 %t27, label %trap_indirect_type, label %ok28, !prof !0
ok28:
  %t29 = load ptr, ptr %t17, !tbaa !7
  %t30 = getelementptr inbounds i8, ptr %t17, i64 16
  %t31 = load ptr, ptr %t30, !tbaa !7
  %t32 = call i32 %t29(ptr %t31, i32 %t3, i32 %t4)
  ret i32 %t32
trap_undefined_element:
  call void @wasmc_trap(ptr %vmctx, i32 8)
  unreachable
trap_indirect_type:
  call void @wasmc_trap(ptr %vmctx, i32 6)
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
define internal void @wasm_entry_iii_i(ptr %vmctx, ptr %callee, ptr %slots) {
  %ap0 = getelementptr i64, ptr %slots, i64 0
  %a0 = load i32, ptr %ap0
  %ap1 = getelementptr i64, ptr %slots, i64 1
  %a1 = load i32, ptr %ap1
  %ap2 = getelementptr i64, ptr %slots, i64 2
  %a2 = load i32, ptr %ap2
  %r = call i32 %callee(ptr %vmctx, i32 %a0, i32 %a1, i32 %a2)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  store i32 %r, ptr %rp0
  ret void
}
define internal i32 @wasm_host_iii_i(ptr %host, i32 %a0, i32 %a1, i32 %a2) {
  %slots = alloca [3 x i64], align 8
  %ap0 = getelementptr i64, ptr %slots, i64 0
  store i32 %a0, ptr %ap0
  %ap1 = getelementptr i64, ptr %slots, i64 1
  store i32 %a1, ptr %ap1
  %ap2 = getelementptr i64, ptr %slots, i64 2
  store i32 %a2, ptr %ap2
  call void @wasmc_host_call(ptr %host, ptr %slots)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  %r0 = load i32, ptr %rp0
  ret i32 %r0
}
@wasmc_funcs = constant [2 x ptr] [ptr @wasm_func_0, ptr @wasm_func_1]
@wasmc_direct_copies = constant [2 x ptr] [ptr null, ptr null]
@wasmc_entries = constant [2 x ptr] [ptr @wasm_entry_ii_i, ptr @wasm_entry_iii_i]
@wasmc_host_adapters = constant [2 x ptr] [ptr @wasm_host_ii_i, ptr @wasm_host_iii_i]
declare void @wasmc_host_call(ptr, ptr)
declare void @wasmc_trap(ptr, i32) noreturn cold
declare void @wasmc_trap_null_element(ptr, i32) noreturn cold
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
