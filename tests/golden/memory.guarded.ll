define internal void @wasm_func_0(ptr %vmctx, i32 %p0, i32 %p1) #0 {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  %l1 = alloca i32
  store i32 %p1, ptr %l1
  %t7 = load ptr, ptr %vmctx, !invariant.load !{}
  %t18 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t19 = load ptr, ptr %t18, !invariant.load !{}
  %t20 = load i64, ptr %t19
  %t21 = call ptr @llvm.stacksave.p0()
  %t22 = ptrtoint ptr %t21 to i64
  %t23 = icmp ult i64 %t22, %t20
  br i1 %t23, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t3 = load i32, ptr %l1
  %t4 = load i32, ptr %l0
  %t5 = zext i32 %t4 to i64
  %t6 = add nuw nsw i64 %t5, 2
  %t8 = getelementptr i8, ptr %t7, i64 %t6
  %t9 = load volatile i16, ptr %t8, align 1, !tbaa !3
  %t10 = sext i16 %t9 to i64
  %t11 = zext i32 %t3 to i64
  %t12 = add nuw nsw i64 %t11, 8
  %t13 = getelementptr i8, ptr %t7, i64 %t12
  store volatile i64 %t10, ptr %t13, align 1, !tbaa !3
  %t14 = load i32, ptr %l0
  %t15 = zext i32 %t14 to i64
  %t16 = getelementptr i8, ptr %t7, i64 %t15
  %t17 = load volatile i32, ptr %t16, align 1, !tbaa !3
  ret void
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal i32 @wasm_func_1(ptr %vmctx, i32 %p0) #0 {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  %t5 = getelementptr inbounds i8, ptr %vmctx, i64 8
  %t6 = load ptr, ptr %t5, !invariant.load !{}
  %t7 = getelementptr inbounds i8, ptr %t6, i64 0
  %t8 = load ptr, ptr %t7, !invariant.load !{}
  %t13 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t14 = load ptr, ptr %t13, !invariant.load !{}
  %t15 = load i64, ptr %t14
  %t16 = call ptr @llvm.stacksave.p0()
  %t17 = ptrtoint ptr %t16 to i64
  %t18 = icmp ult i64 %t17, %t15
  br i1 %t18, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t3 = load i32, ptr %l0
  %t4 = call i32 @wasmc_memory_grow(ptr %vmctx, i32 0, i32 %t3)
  %t9 = getelementptr inbounds i8, ptr %t8, i64 8
  %t10 = load i64, ptr %t9, !tbaa !7
  %t11 = lshr i64 %t10, 16
  %t12 = trunc i64 %t11 to i32
  ret i32 %t12
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal void @wasm_entry_ii_(ptr %vmctx, ptr %callee, ptr %slots) {
  %ap0 = getelementptr i64, ptr %slots, i64 0
  %a0 = load i32, ptr %ap0
  %ap1 = getelementptr i64, ptr %slots, i64 1
  %a1 = load i32, ptr %ap1
  call void %callee(ptr %vmctx, i32 %a0, i32 %a1)
  ret void
}
define internal void @wasm_host_ii_(ptr %host, i32 %a0, i32 %a1) {
  %slots = alloca [2 x i64], align 8
  %ap0 = getelementptr i64, ptr %slots, i64 0
  store i32 %a0, ptr %ap0
  %ap1 = getelementptr i64, ptr %slots, i64 1
  store i32 %a1, ptr %ap1
  call void @wasmc_host_call(ptr %host, ptr %slots)
  ret void
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
@wasmc_direct_copies = constant [2 x ptr] [ptr null, ptr null]
@wasmc_entries = constant [2 x ptr] [ptr @wasm_entry_ii_, ptr @wasm_entry_i_i]
@wasmc_host_adapters = constant [2 x ptr] [ptr @wasm_host_ii_, ptr @wasm_host_i_i]
declare void @wasmc_host_call(ptr, ptr)
declare i32 @wasmc_memory_grow(ptr, i32, i32)
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
